namespace Evertoken.Tokens;

/// <summary>
/// One finding of the doctor: what was checked, the outcome, what was seen (in words), and the concrete fix in
/// the words of Meta Business Settings, with a link to the page where the fix is made.
/// </summary>
/// <param name="Id">A stable id for scripts, e.g. <c>token.valid</c>, <c>scope.messaging</c>.</param>
/// <param name="Title">The check, e.g. "Token is valid".</param>
/// <param name="Outcome">Pass, warn, fail or skipped.</param>
/// <param name="Summary">What was seen, in plain words. Never contains a token value.</param>
/// <param name="Fix">What to do, step by step, or null when nothing is needed.</param>
/// <param name="Link">The Meta page where the fix is made, when there is one.</param>
public sealed record DiagnosisCheck(string Id, string Title, CheckOutcome Outcome, string Summary, string? Fix = null, string? Link = null);
