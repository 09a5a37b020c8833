namespace Evertoken.Emulator;

/// <summary>
/// Switches for behaviour where Meta varies or the reference is unsure. Read at every call, so a test can flip one
/// mid-run (<c>POST /_emulator/settings</c> or <see cref="EmulatorState.Settings"/>). Partial so other parts of the
/// emulator (message sending, Netlify) can add their own switches in their own files.
/// </summary>
public sealed partial class EmulatorSettings
{
    /// <summary>
    /// "Some businesses must use expiring tokens" (install-apps-and-generate-tokens page, Sep 2026): when true,
    /// <c>POST /{system-user-id}/access_tokens</c> without <c>set_token_expires_in_60_days=true</c> fails. Default false.
    /// </summary>
    public bool RequireExpiringSystemUserTokens { get; set; }

    /// <summary>
    /// The message of that failure. Meta's text is unconfirmed (reference graph-tokens.md §4.6), so it is a setting.
    /// </summary>
    public string ExpiringTokensRequiredMessage { get; set; } =
        "(#100) This business must use expiring system user access tokens: set set_token_expires_in_60_days=true.";

    /// <summary>The Graph error code of that failure. Default 100 (invalid parameter).</summary>
    public int ExpiringTokensRequiredCode { get; set; } = 100;

    /// <summary>
    /// Leave <c>expires_in</c> out of <c>oauth/access_token</c> exchange answers. Clients must cope when it is missing
    /// (reference graph-tokens.md §2a). Default false.
    /// </summary>
    public bool OmitExpiresIn { get; set; }

    /// <summary>
    /// The HTTP status of token errors (code 190 and 104). Meta answers 400 (observed); WhatsApp's OpenAPI examples
    /// say 401. Default 400.
    /// </summary>
    public int TokenErrorHttpStatus { get; set; } = 400;

    /// <summary>How long a time-stamped <c>appsecret_proof</c> stays valid. Default 5 minutes (Login Security page).</summary>
    public int AppSecretProofWindowSeconds { get; set; } = 300;
}
