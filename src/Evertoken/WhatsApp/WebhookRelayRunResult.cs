namespace Evertoken.WhatsApp;

/// <summary>What one <see cref="WebhookRelay.RunOnceAsync"/> pass did.</summary>
/// <param name="Attempted">Deliveries claimed and tried.</param>
/// <param name="Delivered">Of which the target answered 2xx.</param>
/// <param name="Retrying">Of which failed and were scheduled again.</param>
/// <param name="Dead">Of which failed for the last time (past <see cref="WebhookRelayOptions.GiveUpAfter"/>).</param>
public sealed record WebhookRelayRunResult(int Attempted, int Delivered, int Retrying, int Dead);
