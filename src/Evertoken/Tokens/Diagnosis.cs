namespace Evertoken.Tokens;

/// <summary>
/// What the doctor found about a token: ordered checks in the order a person follows the setup steps in
/// Meta Business Settings, the facts from <c>debug_token</c>, and the verdict.
/// </summary>
public sealed record Diagnosis
{
    /// <summary>The checks, in setup order.</summary>
    public required IReadOnlyList<DiagnosisCheck> Checks { get; init; }

    /// <summary>What debug_token said, when it answered.</summary>
    public TokenInfo? Info { get; init; }

    /// <summary>The fingerprint of the diagnosed token.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>When the diagnosis was made.</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>The verdict: unusable when the validity or expiry check failed; needs attention when any other check
    /// warned or failed; could-not-check when Graph was unreachable.</summary>
    public DiagnosisVerdict Verdict
    {
        get
        {
            if (Checks.Any(c => c.Id == DiagnosisChecks.GraphReachable && c.Outcome == CheckOutcome.Fail))
            {
                return DiagnosisVerdict.CouldNotCheck;
            }

            if (Checks.Any(c => c.Id is DiagnosisChecks.Valid or DiagnosisChecks.Expiry && c.Outcome == CheckOutcome.Fail))
            {
                return DiagnosisVerdict.TokenUnusable;
            }

            return Checks.Any(c => c.Outcome is CheckOutcome.Warn or CheckOutcome.Fail)
                ? DiagnosisVerdict.NeedsAttention
                : DiagnosisVerdict.Healthy;
        }
    }
}
