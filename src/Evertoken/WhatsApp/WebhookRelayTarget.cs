namespace Evertoken.WhatsApp;

/// <summary>
/// One endpoint the <see cref="WebhookRelay"/> forwards stored webhooks to (configuration <c>Webhooks:Relay:N:*</c>).
/// Each request carries the payload exactly as Meta sent it, signed with our scheme when <see cref="Secret"/> is set
/// (<c>X-Evertoken-Timestamp</c> and <c>X-Evertoken-Signature: sha256=HMAC(secret, "&lt;t&gt;.&lt;body&gt;")</c>, as
/// <see cref="Evertoken.Sinks.WebhookSinkSignature"/>) and, when <see cref="MetaSecret"/> is set, also in Meta's
/// <c>X-Hub-Signature-256</c> format, so a receiver written for Meta keeps working unchanged.
/// <see cref="ToString"/> never shows a secret.
/// </summary>
public sealed class WebhookRelayTarget
{
    /// <summary>All phone numbers.</summary>
    public const string AnyPhoneNumber = "*";

    /// <summary>The name shown in the API, logs and alerts. Default: the URL without its query.</summary>
    public string? Name { get; set; }

    /// <summary>The receiver's absolute http(s) URL. Required.</summary>
    public Uri? Url { get; set; }

    /// <summary>Only payloads of this business phone number id, or <c>*</c> for all. Default <c>*</c>.</summary>
    public string PhoneNumberId { get; set; } = AnyPhoneNumber;

    /// <summary>The shared secret of our signature (<c>X-Evertoken-Signature</c>). Default none.</summary>
    public string? Secret { get; set; }

    /// <summary>An app secret to also sign in Meta's format (<c>X-Hub-Signature-256</c>). Default none.</summary>
    public string? MetaSecret { get; set; }

    /// <summary>The name in force: <see cref="Name"/>, else the URL without query or fragment.</summary>
    public string EffectiveName => !string.IsNullOrWhiteSpace(Name) ? Name : Url is { IsAbsoluteUri: true } url ? url.GetLeftPart(UriPartial.Path) : "";

    /// <inheritdoc />
    public override string ToString() =>
        $"WebhookRelayTarget {{ {EffectiveName}, phone {PhoneNumberId}, secret {(Secret is null ? "none" : "***")}, meta secret {(MetaSecret is null ? "none" : "***")} }}";
}
