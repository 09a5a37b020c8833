using Evertoken.Graph;

namespace Evertoken.Tokens;

/// <summary>The result of a refresh: the token now current, whether a new version was made, and the error if it failed.
/// On failure <see cref="Current"/> is the old token, still served.</summary>
public sealed record RefreshOutcome(CurrentToken Current, bool Rotated, GraphError? Error = null, string? Skipped = null)
{
    /// <summary>True when the refresh did not fail (it rotated, or another caller already had).</summary>
    public bool Succeeded => Error is null && Skipped is null;
}
