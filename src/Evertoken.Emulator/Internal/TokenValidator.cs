namespace Evertoken.Emulator.Internal;

/// <summary>
/// Decides whether a token string is valid now: a minted token (expiry checked against the emulator clock at every
/// call, then its invalidation), an <c>{app-id}|{app-secret}</c> app token, or one of the invalid shapes of reference
/// graph-tokens.md §1.
/// </summary>
internal static class TokenValidator
{
    public static TokenVerdict Validate(EmulatorState state, string token)
    {
        var now = state.Clock.GetUtcNow();
        if (state.FindToken(token) is { } record)
        {
            var app = state.FindApp(record.AppId);
            if (record.InvalidationSubcode is { } subcode)
            {
                var expiredAt = subcode == 463 ? Earliest(record.ExpiresAt, record.InvalidatedAt) : null;
                return new TokenVerdict { Record = record, App = app, Error = Invalid(subcode, record, expiredAt, now) };
            }

            if (record.IsExpiredAt(now))
            {
                return new TokenVerdict { Record = record, App = app, Error = Invalid(463, record, record.ExpiresAt, now) };
            }

            if (app is null)
            {
                return new TokenVerdict { Error = new GraphError(190, GraphErrors.CannotGetAppInfoMessage) };
            }

            return new TokenVerdict { Record = record, App = app };
        }

        var bar = token.IndexOf('|', StringComparison.Ordinal);
        if (bar > 0)
        {
            var app = state.FindApp(token[..bar]);
            if (app is null)
            {
                return new TokenVerdict { Error = new GraphError(190, GraphErrors.CannotGetAppInfoMessage) };
            }

            if (string.Equals(token[(bar + 1)..], app.Secret, StringComparison.Ordinal))
            {
                // The {app-id}|{app-secret} shortcut is an app token that needs no call (reference §3).
                var synthetic = new TokenRecord(EmulatorTokenKind.App, app, TokenLifetime.Never, now, Fingerprint.Of(token));
                return new TokenVerdict { Record = synthetic, App = app };
            }

            return new TokenVerdict { App = app, Error = new GraphError(190, GraphErrors.InvalidSignatureMessage) };
        }

        var message = token.StartsWith("EAA", StringComparison.Ordinal) ? GraphErrors.CouldNotDecryptMessage : GraphErrors.CannotParseMessage;
        return new TokenVerdict { Error = new GraphError(190, message) };
    }

    private static GraphError Invalid(int subcode, TokenRecord record, DateTimeOffset? expiredAt, DateTimeOffset now) =>
        new(190, GraphErrors.InvalidationMessage(subcode, record, expiredAt, now)) { Subcode = subcode };

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
