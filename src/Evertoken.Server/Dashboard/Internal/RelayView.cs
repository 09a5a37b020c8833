using Evertoken.WhatsApp;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>
/// The relay section of <c>/webhooks</c>: each target's state in words (beside a colour), its counts and last error,
/// and the recent dead letters a person can replay. Built from <see cref="WebhookRelay.GetStatusAsync"/>, the call
/// <c>GET /v1/webhooks/relay</c> answers with.
/// </summary>
internal static class RelayView
{
    /// <summary>What the page says when no relay target is configured, and how to add one.</summary>
    public const string HowToConfigure =
        "Set Webhooks:Relay:0:Url (and optionally Name, PhoneNumberId, Secret) in appsettings.json or as EVERTOKEN__Webhooks__Relay__0__Url, then restart.";

    /// <summary>A target as the page shows it.</summary>
    public sealed record TargetRow(
        string Name,
        string Host,
        string PhoneFilter,
        bool Enabled,
        IReadOnlyList<Badge> States,
        int Pending,
        int Delivered,
        int Dead,
        string? LastError,
        DateTimeOffset? LastErrorAt,
        DateTimeOffset? LastDeliveredAt,
        DateTimeOffset? NextAttemptAt);

    /// <summary>A dead-lettered delivery, replayable by its payload.</summary>
    public sealed record DeadLetter(long PayloadId, string Target, string PhoneNumberId, int Attempts, DateTimeOffset? LastAttemptAt, string? LastError);

    /// <summary>A state word and its colour.</summary>
    public sealed record Badge(string Tone, string Word);

    /// <summary>The relay's targets and the recent dead letters.</summary>
    /// <param name="Targets">Configured targets first, then the ones no longer in use.</param>
    /// <param name="DeadLetters">Dead deliveries among the latest ones, newest first.</param>
    /// <param name="ActivePhoneFilters">The phone number filters of the targets in use (<c>*</c> for all numbers).</param>
    public sealed record Model(IReadOnlyList<TargetRow> Targets, IReadOnlyList<DeadLetter> DeadLetters, IReadOnlyList<string> ActivePhoneFilters)
    {
        /// <summary>True when at least one target receives new payloads.</summary>
        public bool HasActiveTarget => ActivePhoneFilters.Count > 0;

        /// <summary>True when a target in use takes payloads of <paramref name="phoneNumberId"/>.</summary>
        public bool Relays(string? phoneNumberId) =>
            ActivePhoneFilters.Any(f => f == WebhookRelayTarget.AnyPhoneNumber || f == phoneNumberId);
    }

    public static Model Build(WebhookRelayStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var urls = status.Targets.ToDictionary(t => t.Name, t => t.Url, StringComparer.Ordinal);
        var targets = status.Targets
            .OrderByDescending(t => t.Enabled)
            .Select(t => Target(t, status.Deliveries.Where(d => d.Target == t.Name).ToList(), now))
            .ToList();
        var dead = status.Deliveries
            .Where(d => d.State == "dead")
            .Select(d => new DeadLetter(d.PayloadId, DisplayName(d.Target, urls.GetValueOrDefault(d.Target)), d.PhoneNumberId, d.Attempts, d.LastAttemptAt, d.LastError))
            .ToList();
        var filters = status.Targets.Where(t => t.Enabled).Select(t => t.PhoneNumberId).Distinct(StringComparer.Ordinal).ToList();
        return new Model(targets, dead, filters);
    }

    /// <summary>The outcome of a replay, as the page's notice says it.</summary>
    public static (string Tone, string Word, string Text) ReplayOutcome(long payloadId, int? queued) => queued switch
    {
        null => ("bad", "Not found.", $"There is no stored webhook payload #{payloadId}."),
        0 => ("bad", "Not queued.", $"No configured relay target matches the phone number of payload #{payloadId}. {HowToConfigure}"),
        1 => ("ok", "Replayed.", $"Queued again for 1 target (payload #{payloadId})."),
        _ => ("ok", "Replayed.", $"Queued again for {queued} targets (payload #{payloadId})."),
    };

    /// <summary>
    /// An event's relay state in words: its payload's (<c>none</c>, <c>pending</c>, <c>delivered</c>, <c>dead</c>), except
    /// that a payload waiting while no target in use takes its phone number (<paramref name="relay"/> null when there is
    /// no relay) is not relayed: the inbox marks every new payload pending, whether or not a target will take it.
    /// dashboard.js applies the same rule to streamed rows.
    /// </summary>
    public static Badge EventState(string? payloadState, string? phoneNumberId, Model? relay) =>
        payloadState == "pending" && relay?.Relays(phoneNumberId) != true ? PayloadState("none") : PayloadState(payloadState);

    /// <summary>A payload's relay state (<c>none</c>, <c>pending</c>, <c>delivered</c>, <c>dead</c>) in words.</summary>
    public static Badge PayloadState(string? state) => state switch
    {
        "pending" => new("warn", "Pending"),
        "delivered" => new("ok", "Delivered"),
        "dead" => new("bad", "Dead"),
        _ => new("idle", "Not relayed"),
    };

    /// <summary>
    /// The name to show: the configured one, but a target left unnamed is named after its URL's path, which may carry a
    /// secret (many receivers put a key in the path), so only its host is shown then.
    /// </summary>
    public static string DisplayName(string name, string? url) =>
        url is not null && string.Equals(name, url, StringComparison.Ordinal) ? Host(url) + "/…" : name;

    /// <summary>The URL's host and port only: its path and query may carry a secret.</summary>
    public static string Host(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : "(invalid URL)";

    private static TargetRow Target(WebhookRelayTargetStatus target, List<WebhookRelayDelivery> recent, DateTimeOffset now)
    {
        // Deliveries come newest first. The relay writes last_error itself from a status code or an error kind, never
        // from the URL or an exception message, so it holds no secret.
        var failed = recent.FirstOrDefault(d => d.LastError is not null);
        var retrying = target.Pending > 0
            && (target.NextAttemptAt > now || recent.Any(d => d.State == "pending" && d.LastError is not null));
        var states = new List<Badge>();
        if (!target.Enabled)
        {
            states.Add(new("idle", "Disabled"));
        }

        if (target.Dead > 0)
        {
            states.Add(new("bad", $"Dead letters: {target.Dead}"));
        }

        if (retrying)
        {
            states.Add(new("warn", "Retrying"));
        }
        else if (target.Pending > 0 && target.Enabled)
        {
            states.Add(new("info", "Sending"));
        }

        if (states.Count == 0)
        {
            states.Add(target.Delivered > 0 ? new("ok", "Healthy") : new("idle", "No deliveries yet"));
        }

        return new TargetRow(DisplayName(target.Name, target.Url), Host(target.Url),
            target.PhoneNumberId == WebhookRelayTarget.AnyPhoneNumber ? "all numbers" : target.PhoneNumberId,
            target.Enabled, states, target.Pending, target.Delivered, target.Dead,
            failed?.LastError, failed?.LastAttemptAt, target.LastDeliveredAt, target.NextAttemptAt);
    }
}
