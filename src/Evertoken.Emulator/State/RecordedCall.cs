namespace Evertoken.Emulator;

/// <summary>One Graph call the emulator received (control calls under <c>/_emulator/</c> are not recorded).</summary>
public sealed record RecordedCall
{
    /// <summary>A sequence number that grows by one per call, from 1.</summary>
    public required long Seq { get; init; }

    /// <summary>When the call arrived (emulator clock).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The path without its version segment, e.g. <c>/debug_token</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The Graph API version asked for (e.g. <c>v25.0</c>), or null for an unversioned call.</summary>
    public string? Version { get; init; }

    /// <summary>Query parameters; token, secret, proof and code values replaced by fingerprints.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    /// <summary>Form fields, same masking; null when the body was not a form.</summary>
    public IReadOnlyDictionary<string, string>? Form { get; init; }

    /// <summary>The fingerprint of the caller's access token (query, form or bearer), if any.</summary>
    public string? Token { get; init; }

    /// <summary>How the token came: <c>query</c>, <c>form</c> or <c>bearer</c>; null when there was none.</summary>
    public string? TokenTransport { get; init; }

    /// <summary>The HTTP status answered; 0 when the call was held by a timeout fault and never answered.</summary>
    public int Status { get; init; }

    /// <summary>The id of the fault that hit the call, if any.</summary>
    public string? FaultId { get; init; }
}
