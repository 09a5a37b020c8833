namespace Evertoken.Tokens;

/// <summary>The policy's answer for one token: what to do now, and when to look again.</summary>
public sealed record RefreshDecision(RefreshAction Action, DateTimeOffset NextAt, string Reason);
