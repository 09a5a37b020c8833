namespace Evertoken.Emulator.Internal;

/// <summary>A message the emulator accepted on <c>POST /{phone-number-id}/messages</c>.</summary>
internal sealed record OutboundMessage(
    string Wamid,
    EmulatorPhoneNumber Number,
    string WaId,
    string Type,
    DateTimeOffset AcceptedAt,
    string? BizOpaqueCallbackData)
{
    public bool IsTemplate => Type == "template";
}
