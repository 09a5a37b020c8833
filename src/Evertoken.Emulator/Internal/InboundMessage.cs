namespace Evertoken.Emulator.Internal;

/// <summary>A user message injected through <c>POST /_emulator/inbound</c>, kept for mark-as-read.</summary>
internal sealed record InboundMessage(string Wamid, string PhoneNumberId, string From, DateTimeOffset ReceivedAt);
