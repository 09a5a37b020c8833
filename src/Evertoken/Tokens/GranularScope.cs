namespace Evertoken.Tokens;

/// <summary>A permission limited to particular objects (WABA, Page or IG account ids). An empty
/// <see cref="TargetIds"/> means the grant is not limited to specific targets.</summary>
public sealed record GranularScope(string Scope, IReadOnlyList<string> TargetIds);
