using Evertoken.Graph;
using Evertoken.Storage;

namespace Evertoken.Tokens;

/// <summary>The result of a health check with Meta.</summary>
public sealed record TokenCheckOutcome(string Name, TokenStatus Status, TokenInfo? Info, GraphError? Error);
