namespace Evertoken.Sinks.Internal;

/// <summary>Replaces a file's content atomically: readers see the old file or the new one, never half of it.</summary>
internal static class AtomicFile
{
    /// <summary>Owner read/write only: the mode of a file created to hold a token.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes <paramref name="content"/> to a temporary file in the same folder (so the rename cannot cross file
    /// systems), flushes it to disk, gives it <paramref name="mode"/> (on Unix) and moves it over <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var folder = Path.GetDirectoryName(path) ?? ".";
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Created owner-only from the first byte, so the token is never readable by others, even briefly.
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, mode);
            }

            File.Move(temp, path, overwrite: true);
            // REVIEW: the folder itself is not fsynced after the rename (.NET has no API to open a directory); a
            // power cut right after the move could still show the old file, never a torn one.
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
