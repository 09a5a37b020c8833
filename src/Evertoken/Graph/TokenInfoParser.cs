using System.Text.Json;
using Evertoken.Graph.Internal;
using Evertoken.Tokens;

namespace Evertoken.Graph;

/// <summary>
/// Builds a <see cref="TokenInfo"/> from a <c>GET /debug_token</c> answer (graph-tokens.md §1): <c>type</c> strings map to
/// <see cref="TokenKind"/>, Unix-second timestamps to UTC times with <c>0</c> meaning "never" (null), and
/// <c>data.error</c> (whose subcode key is <c>subcode</c>) to a classified <see cref="GraphError"/>.
/// </summary>
public static class TokenInfoParser
{
    /// <summary>Parses a debug_token response body, <c>{"data":{...}}</c>.</summary>
    /// <exception cref="JsonException">The text is not JSON, or has no <c>data</c> object (for example a top-level
    /// <c>{"error":...}</c> envelope, which is a failed call rather than a token description).</exception>
    public static TokenInfo Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var response = JsonSerializer.Deserialize(json, GraphJsonContext.Default.DebugTokenResponse);
        return FromResponse(response);
    }

    /// <summary>Parses a UTF-8 debug_token response body, <c>{"data":{...}}</c>.</summary>
    /// <exception cref="JsonException">The bytes are not JSON, or have no <c>data</c> object.</exception>
    public static TokenInfo Parse(ReadOnlySpan<byte> utf8Json)
    {
        var response = JsonSerializer.Deserialize(utf8Json, GraphJsonContext.Default.DebugTokenResponse);
        return FromResponse(response);
    }

    /// <summary>Maps debug_token's <c>type</c>: <c>USER</c>, <c>PAGE</c>, <c>APP</c>, <c>SYSTEM_USER</c>; anything else
    /// (or nothing, for an unparseable token) is <see cref="TokenKind.Unknown"/>.</summary>
    public static TokenKind ParseKind(string? type) => type?.ToUpperInvariant() switch
    {
        "USER" => TokenKind.User,
        "PAGE" => TokenKind.Page,
        "APP" => TokenKind.App,
        "SYSTEM_USER" => TokenKind.SystemUser,
        _ => TokenKind.Unknown,
    };

    internal static TokenInfo FromResponse(DebugTokenResponse? response) =>
        response?.Data is { } data
            ? FromData(data)
            : throw new JsonException("The body is not a debug_token answer: it has no \"data\" object.");

    internal static TokenInfo FromData(DebugTokenData data) => new()
    {
        IsValid = data.IsValid,
        Kind = ParseKind(data.Type),
        AppId = data.AppId,
        Application = data.Application,
        UserId = data.UserId,
        ProfileId = data.ProfileId,
        IssuedAt = FromUnixSeconds(data.IssuedAt),
        ExpiresAt = FromUnixSeconds(data.ExpiresAt),
        DataAccessExpiresAt = FromUnixSeconds(data.DataAccessExpiresAt),
        Scopes = data.Scopes?.Where(s => !string.IsNullOrEmpty(s)).ToArray() ?? [],
        GranularScopes = data.GranularScopes?
            .Where(g => !string.IsNullOrEmpty(g.Scope))
            .Select(g => new GranularScope(g.Scope!, g.TargetIds?.ToArray() ?? []))
            .ToArray() ?? [],
        Error = data.Error is { } e
            // The call itself succeeded (HTTP 200); the error describes the inspected token.
            ? GraphError.From(e.Code, e.Subcode ?? e.ErrorSubcode, e.Message ?? "", httpStatus: 200)
            : null,
    };

    // 0 means "never" for expires_at and "not applicable" for data_access_expires_at (system-user tokens).
    private static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is > 0 and var s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
}
