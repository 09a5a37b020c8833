namespace Evertoken.Hosting.Internal;

/// <summary>A token name used by an <c>AddEvertokenHandler</c> client, checked against the store at start.</summary>
internal sealed record HandlerTokenName(string TokenName, string ClientName);
