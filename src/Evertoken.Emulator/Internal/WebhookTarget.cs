namespace Evertoken.Emulator.Internal;

/// <summary>An app's webhook configuration (App Dashboard → WhatsApp → Configuration): callback URL and verify token.</summary>
internal sealed record WebhookTarget(string AppId, string CallbackUrl, string? VerifyToken, bool Verified);
