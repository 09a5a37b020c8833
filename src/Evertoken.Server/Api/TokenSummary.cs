using Evertoken.Storage;
using Evertoken.Tokens;

namespace Evertoken.Server.Api;

/// <summary>A managed token as the CLI, the API and the dashboard show it: never the value, only its fingerprint.</summary>
public sealed record TokenSummary(
    string Name,
    TokenStatus Status,
    TokenKind Kind,
    long Version,
    string Fingerprint,
    DateTimeOffset? ExpiresAt,
    long? ExpiresInSeconds,
    string ExpiresText,
    string? AppId,
    string? PhoneNumberId,
    DateTimeOffset? LastCheckedAt,
    string? LastError)
{
    public static TokenSummary Of(ManagedToken t, DateTimeOffset now)
    {
        var data = t.Current.Data;
        var text = data.ExpiresAt is { } e
            ? e <= now ? $"{TokenDoctor.Date(e)} (expired)" : $"{TokenDoctor.Date(e)} (in {TokenDoctor.Humanize(e - now)})"
            : data.Kind == TokenKind.Unknown ? "unknown" : "never";
        return new(t.Name, t.Health.Status, data.Kind, t.Current.Number, data.Fingerprint, data.ExpiresAt,
            data.ExpiresAt is { } x ? (long)(x - now).TotalSeconds : null, text, t.AppId, t.PhoneNumberId, t.Health.LastCheckedAt, t.Health.LastError);
    }
}
