using System.Text;
using Evertoken.Sinks.Internal;

namespace Evertoken.Sinks;

/// <summary>
/// Writes the token into a <c>.env</c> file, changing only the variable's line.
/// <list type="bullet">
/// <item>Every other byte is kept: comments, blank lines, order, <c>export </c> prefixes, spacing, trailing comments,
/// LF or CRLF endings, a UTF-8 byte order mark.</item>
/// <item>Duplicates: <b>every</b> assignment of the variable is updated in place, because loaders disagree on which
/// duplicate wins (the first or the last). When there is none, <c>NAME=value</c> is appended at the end.</item>
/// <item>Quoting: a value that needs it is single-quoted (double-quoted with backslash escapes when it holds a
/// <c>'</c>); a line that was double-quoted stays double-quoted. Meta tokens are letters and digits and stay bare.</item>
/// <item>Atomic: the new content goes to a temporary file in the same folder, is flushed to disk, then moved over the
/// file, so a reader never sees half a file. A symbolic link is followed and its target replaced.</item>
/// <item>Permissions: a new file is created 0600 (owner only); an existing file keeps its mode.</item>
/// </list>
/// A missing folder or a permission problem is a <see cref="SinkResult.Permanent"/> result; other I/O errors are
/// transient. Results never contain the token.
/// </summary>
public sealed class DotEnvFileSink : ITokenSink
{
    private readonly DotEnvFileSinkOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the sink.</summary>
    /// <exception cref="ArgumentException">The options are not usable (the message lists every problem).</exception>
    public DotEnvFileSink(DotEnvFileSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options;
    }

    /// <inheritdoc />
    public string Describe => $"dotenv:{_options.Path}";

    /// <inheritdoc />
    public async Task<SinkResult> PushAsync(TokenPush push, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(push);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Write(push);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private SinkResult Write(TokenPush push)
    {
        var path = System.IO.Path.GetFullPath(_options.Path);
        var folder = System.IO.Path.GetDirectoryName(path) ?? path;
        try
        {
            // Replace the target of a symlink, not the link itself.
            if (new FileInfo(path).LinkTarget is not null
                && new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                path = target.FullName;
                folder = System.IO.Path.GetDirectoryName(path) ?? folder;
            }

            if (!Directory.Exists(folder))
            {
                return SinkResult.Permanent($"Cannot write {path}: the folder {folder} does not exist.");
            }

            var exists = File.Exists(path);
            var bytes = exists ? File.ReadAllBytes(path) : [];
            var hasBom = bytes.AsSpan().StartsWith(Utf8Bom);
            var text = Encoding.UTF8.GetString(hasBom ? bytes.AsSpan(Utf8Bom.Length) : bytes);

            var updated = DotEnvDocument.Set(text, _options.VariableName, push.Value);
            if (_options.WritePhoneNumberId && !string.IsNullOrEmpty(push.PhoneNumberId))
            {
                updated = DotEnvDocument.Set(updated, _options.PhoneNumberIdVariableName, push.PhoneNumberId);
            }

            var output = Encoding.UTF8.GetBytes(updated);
            if (hasBom)
            {
                output = [.. Utf8Bom, .. output];
            }

            var mode = exists && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(path) : AtomicFile.OwnerOnly;
            AtomicFile.Write(path, output, mode);
            return SinkResult.Ok;
        }
        catch (UnauthorizedAccessException)
        {
            return SinkResult.Permanent(
                $"Cannot write {path}: permission denied. The Evertoken process needs write access to the file and to " +
                $"its folder {folder} (the file is replaced through a temporary file in that folder).");
        }
        catch (DirectoryNotFoundException)
        {
            return SinkResult.Permanent($"Cannot write {path}: the folder {folder} does not exist.");
        }
        catch (IOException ex)
        {
            // I/O messages name the path, never the content.
            return SinkResult.Transient($"Cannot write {path}: {ex.Message}");
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
}
