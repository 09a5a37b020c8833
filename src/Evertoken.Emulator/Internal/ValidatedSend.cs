namespace Evertoken.Emulator.Internal;

/// <summary>A send request that passed validation: <c>to</c> as given, its digits, the message type.</summary>
internal sealed record ValidatedSend(string To, string WaId, string Type, string? BizOpaqueCallbackData);
