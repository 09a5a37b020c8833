using System.Globalization;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// The handler cursor of a single instance (the SQLite inbox is one process's): a file in the data folder, always led.
/// </summary>
internal sealed class FileWebhookHandlerCursor(string path) : IWebhookHandlerCursor
{
    public Task<bool> TryLeadAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<long?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Read(path));

    // Written to a temporary file and moved over the old one, so a crash leaves the old cursor or the new one.
    public Task WriteAsync(long eventId, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = path + ".tmp";
        File.WriteAllText(temp, eventId.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, path, overwrite: true);
        return Task.CompletedTask;
    }

    public ValueTask ReleaseAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The event id in a cursor file; null when there is no file (first start: every stored event).</summary>
    /// <exception cref="InvalidOperationException">When the file holds something else.</exception>
    internal static long? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidOperationException($"The webhook handler cursor file {path} does not hold an event id; delete it to hand every stored event again.");
    }
}
