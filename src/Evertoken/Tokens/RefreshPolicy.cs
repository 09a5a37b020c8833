using Evertoken.Storage;
using Microsoft.Extensions.Options;

namespace Evertoken.Tokens;

/// <summary>
/// Decides when each kind of token is renewed or checked:
/// short-lived user token → exchanged at once for a 60-day token; 60-day user and system-user tokens → renewed when
/// <see cref="RefreshPolicyOptions.RenewWhenLeft"/> is left (minus a stable per-token jitter), never later than the hard
/// margin; never-expiring tokens → a debug_token check every <see cref="RefreshPolicyOptions.CheckInterval"/>;
/// unchecked tokens → checked at once; invalid tokens → left alone (no retry storm; a person must act).
/// </summary>
public sealed class RefreshPolicy(IOptions<RefreshPolicyOptions> options)
{
    /// <summary>The options in force.</summary>
    public RefreshPolicyOptions Options { get; } = options.Value;

    /// <summary>Decides for one token at <paramref name="now"/>.</summary>
    public RefreshDecision Decide(ManagedToken token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        var o = Options;
        var data = token.Current.Data;
        var lastCheck = token.Health.LastCheckedAt;

        if (token.Health.Status == TokenStatus.Invalid)
        {
            return new(RefreshAction.Wait, DateTimeOffset.MaxValue, "Meta says the token is invalid; waiting for a new one");
        }

        if (data.Kind == TokenKind.Unknown || token.Health.Status == TokenStatus.Unchecked || lastCheck is null)
        {
            return new(RefreshAction.Check, now, "never checked");
        }

        if (data.ExpiresAt is not { } expires || data.Kind is TokenKind.App or TokenKind.Page)
        {
            var next = lastCheck.Value + o.CheckInterval;
            return next <= now
                ? new(RefreshAction.Check, now, "scheduled check of a non-expiring token")
                : new(RefreshAction.Wait, next, "non-expiring; next check scheduled");
        }

        if (!IsRenewable(data.Kind))
        {
            return new(RefreshAction.Wait, expires, "this kind cannot be renewed");
        }

        var lifetime = data.IssuedAt is { } issued ? expires - issued : (TimeSpan?)null;
        if (data.Kind == TokenKind.User && (lifetime is null || lifetime < o.ShortLivedThreshold))
        {
            return new(RefreshAction.Renew, now, "short-lived user token: exchange for a 60-day token");
        }

        var renewAt = RenewAt(token.Name, token.Current.Number, expires);
        if (now >= renewAt)
        {
            return new(RefreshAction.Renew, now, $"{(int)(expires - now).TotalDays} days left");
        }

        // Between renewals, a daily check still catches a revoked token early.
        var nextCheck = lastCheck.Value + TimeSpan.FromHours(Math.Max(o.CheckInterval.TotalHours, 24));
        return nextCheck <= now
            ? new(RefreshAction.Check, now, "daily check")
            : new(RefreshAction.Wait, renewAt < nextCheck ? renewAt : nextCheck, "renewal scheduled");
    }

    /// <summary>True when Meta offers a way to renew this kind of token.</summary>
    public static bool IsRenewable(TokenKind kind) => kind is TokenKind.User or TokenKind.SystemUser;

    /// <summary>True when the token should be renewed inline by a caller (expired or inside the hard margin).</summary>
    public bool MustRenewNow(ManagedToken token, DateTimeOffset now) =>
        token.Health.Status != TokenStatus.Invalid
        && IsRenewable(token.Current.Data.Kind)
        && token.Current.Data.ExpiresAt is { } e
        && e - now <= Options.HardMargin;

    /// <summary>When a token version is due for renewal: <see cref="RefreshPolicyOptions.RenewWhenLeft"/> before expiry,
    /// earlier by a jitter that is stable for the token and version (so restarts and instances agree), never inside the hard margin.</summary>
    public DateTimeOffset RenewAt(string name, long version, DateTimeOffset expiresAt)
    {
        var jitterFraction = unchecked((uint)(StableHash(name) ^ (int)(version * 2654435761L))) / (double)uint.MaxValue;
        var renewAt = expiresAt - Options.RenewWhenLeft - (Options.Jitter * jitterFraction);
        var latest = expiresAt - Options.HardMargin;
        return renewAt < latest ? renewAt : latest;
    }

    private static int StableHash(string value)
    {
        // string.GetHashCode is randomised per process; instances must agree.
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in value)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }
}
