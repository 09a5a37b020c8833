namespace Evertoken.Samples.Worker;

/// <summary>What <see cref="PhoneNumberWatcher"/> does (section <c>Watcher</c>).</summary>
public sealed class WatcherOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Watcher";

    /// <summary>The WhatsApp phone number id to read (and send from). Required.</summary>
    public string PhoneNumberId { get; set; } = "";

    /// <summary>Time between two rounds. Default 1 minute.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When set, a WhatsApp number (digits with country code) that gets <see cref="Text"/> each round. Default: none.</summary>
    public string? SendTo { get; set; }

    /// <summary>The text sent to <see cref="SendTo"/>. Default "Evertoken sample: the token is alive."</summary>
    public string Text { get; set; } = "Evertoken sample: the token is alive.";
}
