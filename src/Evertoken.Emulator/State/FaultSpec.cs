namespace Evertoken.Emulator;

/// <summary>
/// A fault to inject into Graph calls (<c>POST /_emulator/faults</c>). Faults apply before normal handling, in the
/// order they were added (the first match wins), and matched calls are still recorded.
/// </summary>
public sealed record FaultSpec
{
    /// <summary>A path prefix matched after the version segment (e.g. <c>/oauth/access_token</c>), or <c>*</c> for every path. Default <c>*</c>.</summary>
    public string Path { get; init; } = "*";

    /// <summary>Only this HTTP method (case-insensitive); null = any. Default null.</summary>
    public string? Method { get; init; }

    /// <summary>The HTTP status to answer with. Default: the status Meta uses for <see cref="GraphCode"/>.</summary>
    public int? Status { get; init; }

    /// <summary>The Graph error <c>code</c>. Default: chosen from <see cref="Status"/> (5xx → 2, 429/403 → 4, else 1).</summary>
    public int? GraphCode { get; init; }

    /// <summary>The Graph <c>error_subcode</c>. Default none.</summary>
    public int? GraphSubcode { get; init; }

    /// <summary>The error message. Default: Meta's usual text for the code.</summary>
    public string? Message { get; init; }

    /// <summary>Wait this long (real time) before answering. With no status or code, the call then proceeds normally.</summary>
    public int? DelayMs { get; init; }

    /// <summary>How many calls the fault applies to; null = until <c>DELETE /_emulator/faults</c>. Default null.</summary>
    public int? Count { get; init; }

    /// <summary>Never answer: hold the call until the client gives up. Default false.</summary>
    public bool Timeout { get; init; }
}
