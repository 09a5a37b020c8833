using System.Diagnostics.CodeAnalysis;

namespace Evertoken.WhatsApp;

/// <summary>The outcome of <see cref="WebhookEventExtractor.Extract(ReadOnlyMemory{byte})"/>: the payload and its events, or why the body
/// could not be read.</summary>
public sealed record WebhookParseResult
{
    /// <summary>The typed payload, when the body was read.</summary>
    public WebhookPayload? Payload { get; init; }

    /// <summary>The flat events, in payload order; empty on failure.</summary>
    public IReadOnlyList<WebhookEvent> Events { get; init; } = [];

    /// <summary>Why the body could not be read (names the JSON path), when it could not.</summary>
    public string? Error { get; init; }

    /// <summary>True when the body was read.</summary>
    [MemberNotNullWhen(true, nameof(Payload))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>A successful result.</summary>
    public static WebhookParseResult Success(WebhookPayload payload, IReadOnlyList<WebhookEvent> events) =>
        new() { Payload = payload, Events = events };

    /// <summary>A failed result.</summary>
    public static WebhookParseResult Failure(string error) => new() { Error = error };
}
