using Evertoken.Graph;
using Evertoken.Tokens;

namespace Evertoken.Server.Commands;

/// <summary>The JSON shape of <c>inspect --json</c>: the facts, the problems in words, and the verdict.</summary>
internal sealed record InspectReport(
    string Fingerprint,
    bool? Valid,
    TokenKind? Kind,
    string? AppId,
    string? Application,
    string? UserId,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? ExpiresAt,
    bool? NeverExpires,
    long? ExpiresInSeconds,
    DateTimeOffset? DataAccessExpiresAt,
    IReadOnlyList<string>? Scopes,
    IReadOnlyList<GranularScope>? GranularScopes,
    IReadOnlyList<string>? WhatsappAccounts,
    GraphError? Error,
    DiagnosisVerdict Verdict,
    IReadOnlyList<DiagnosisCheck> Checks)
{
    public static InspectReport From(Diagnosis d, DateTimeOffset now)
    {
        var i = d.Info;
        return new(d.Fingerprint, i?.IsValid, i?.Kind, i?.AppId, i?.Application, i?.UserId, i?.IssuedAt, i?.ExpiresAt,
            i?.NeverExpires, i?.ExpiresAt is { } e ? (long)(e - now).TotalSeconds : null, i?.DataAccessExpiresAt,
            i?.Scopes, i?.GranularScopes, i is null ? null : WhatsAppAccounts(i), i?.Error, d.Verdict, d.Checks);
    }

    public static IReadOnlyList<string> WhatsAppAccounts(TokenInfo info) =>
        [.. (info.TargetsOf("whatsapp_business_management") ?? []).Concat(info.TargetsOf("whatsapp_business_messaging") ?? []).Distinct()];
}
