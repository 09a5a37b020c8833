using System.Text;
using Evertoken.Storage.Internal;

namespace Evertoken.Storage;

/// <summary>
/// Loads the master key ring from <see cref="MasterKeyOptions"/>: the configured key wins; otherwise the key file;
/// otherwise a new random key is written to the key file (created owner-only: 0600, its folder 0700 when created).
/// </summary>
public static class MasterKeyProvider
{
    /// <summary>Loads the key ring and says where the key came from.</summary>
    /// <exception cref="MasterKeyException">A key is malformed (not base64 of 32 bytes), or the key file is unreadable.
    /// The message names the variable or file and what is expected, never the key.</exception>
    public static LoadedMasterKey Load(MasterKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var previous = options.PreviousKeys
            .Select((k, i) => MasterKeyParser.Parse(k, $"{MasterKeyOptions.PreviousKeysEnvironmentVariable} entry #{i + 1}"))
            .ToList();

        if (!string.IsNullOrWhiteSpace(options.Key))
        {
            var key = MasterKeyParser.Parse(options.Key, $"{MasterKeyOptions.KeyEnvironmentVariable} (MasterKeyOptions.Key)");
            return new LoadedMasterKey(new SecretProtector(key, previous), MasterKeySource.Configured, null);
        }

        var keyFile = Path.GetFullPath(options.KeyFile ?? EvertokenPaths.DefaultMasterKeyFile);
        var created = false;
        if (!File.Exists(keyFile))
        {
            created = TryCreateKeyFile(keyFile);
        }

        string text;
        try
        {
            text = File.ReadAllText(keyFile, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MasterKeyException(
                $"The master key file {keyFile} cannot be read ({ex.GetType().Name}). Fix its permissions, or set {MasterKeyOptions.KeyEnvironmentVariable}.", ex);
        }

        var fileKey = MasterKeyParser.Parse(text, $"the master key file {keyFile}");
        return new LoadedMasterKey(
            new SecretProtector(fileKey, previous),
            created ? MasterKeySource.CreatedKeyFile : MasterKeySource.KeyFile,
            keyFile);
    }

    /// <summary>Loads the key ring and returns only the protector (see <see cref="Load"/>).</summary>
    /// <exception cref="MasterKeyException">As for <see cref="Load"/>.</exception>
    public static SecretProtector CreateProtector(MasterKeyOptions options) => Load(options).Protector;

    /// <summary>Writes a new key to a temporary file and moves it into place while holding a lock file, so processes
    /// starting at once agree on one key. Returns false when another process created the file first.</summary>
    /// <remarks>A bare "move without overwrite" is not enough: on file systems without hard links .NET checks for the
    /// target and then renames, so two processes can both succeed and one of them would encrypt with a key that the
    /// other just replaced. The lock (an exclusive open, flock on Unix) makes check-and-create one step; the lock file
    /// is removed only after the key file exists, so a late arrival that locks a fresh lock file still sees the key.</remarks>
    private static bool TryCreateKeyFile(string keyFile)
    {
        var folder = Path.GetDirectoryName(keyFile)!;
        try
        {
            if (!Directory.Exists(folder))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(folder);
                }
                else
                {
                    Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            var lockFile = Path.Combine(folder, $".{Path.GetFileName(keyFile)}.lock");
            using var held = AcquireLock(lockFile, keyFile);
            if (held is null || File.Exists(keyFile))
            {
                TryDelete(lockFile);
                return false;
            }

            var temp = Path.Combine(folder, $".{Path.GetFileName(keyFile)}.{Guid.NewGuid():N}.tmp");
            using (var stream = new FileStream(temp, OwnerOnly(FileMode.CreateNew)))
            {
                stream.Write(Encoding.UTF8.GetBytes(SecretProtector.GenerateKey() + "\n"));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, keyFile, overwrite: false);
            TryDelete(lockFile);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MasterKeyException(
                $"No master key is configured and the key file {keyFile} cannot be created ({ex.GetType().Name}: {ex.Message}). " +
                $"Set {MasterKeyOptions.KeyEnvironmentVariable} (32 random bytes in base64), or point the data folder ({EvertokenPaths.DataEnvironmentVariable}) at a writable place.", ex);
        }
    }

    /// <summary>Opens the lock file exclusively, waiting up to ten seconds for another creator. Returns null when the
    /// key file appeared meanwhile (the other creator finished and removed its lock).</summary>
    private static FileStream? AcquireLock(string lockFile, string keyFile)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (true)
        {
            try
            {
                return new FileStream(lockFile, OwnerOnly(FileMode.OpenOrCreate));
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                if (File.Exists(keyFile))
                {
                    return null;
                }

                Thread.Sleep(10);
            }
        }
    }

    /// <summary>Once the key file exists every lock file is left over; removing one another process holds is harmless.</summary>
    private static void TryDelete(string lockFile)
    {
        try
        {
            File.Delete(lockFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Still open elsewhere (Windows): its holder removes it.
        }
    }

    private static FileStreamOptions OwnerOnly(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}
