namespace Evertoken.Emulator;

/// <summary>An app subscribed to a WABA's webhooks, with the optional callback override.</summary>
/// <param name="AppId">The subscribed app.</param>
/// <param name="OverrideCallbackUri">The <c>override_callback_uri</c> sent when subscribing, if any.</param>
/// <param name="VerifyToken">The <c>verify_token</c> sent with the override, if any.</param>
public sealed record WabaSubscription(string AppId, string? OverrideCallbackUri = null, string? VerifyToken = null);
