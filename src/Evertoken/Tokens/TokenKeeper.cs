using System.Collections.Concurrent;
using System.Diagnostics;
using Evertoken.Graph;
using Evertoken.Storage;
using Evertoken.Telemetry;
using Microsoft.Extensions.Logging;

namespace Evertoken.Tokens;

/// <summary>
/// The one place that hands out the current token for a name. An in-memory cache in front of the store; one refresh
/// per token at a time (a per-token gate, plus <see cref="IRefreshLock"/> across instances); the new value is written
/// to the store before it replaces the old one in the cache; observers (sinks, alerts) run after, in the background.
/// </summary>
public sealed partial class TokenKeeper : ITokenKeeper
{
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<CurrentToken>>> _inflight = new(StringComparer.Ordinal);
    private readonly ITokenStore _store;
    private readonly GraphClient _graph;
    private readonly TokenRefresher _refresher;
    private readonly RefreshPolicy _policy;
    private readonly IRefreshLock _lock;
    private readonly TimeProvider _time;
    private readonly ILogger<TokenKeeper> _logger;
    private readonly IReadOnlyList<ITokenObserver> _observers;

    /// <summary>Creates a keeper.</summary>
    public TokenKeeper(ITokenStore store, GraphClient graph, RefreshPolicy policy, IRefreshLock refreshLock, TimeProvider timeProvider,
        ILogger<TokenKeeper> logger, IEnumerable<ITokenObserver> observers)
    {
        _store = store;
        _graph = graph;
        _policy = policy;
        _lock = refreshLock;
        _time = timeProvider;
        _logger = logger;
        _observers = [.. observers];
        _refresher = new TokenRefresher(graph, timeProvider);
    }

    /// <summary>The tokens currently cached (for metrics: seconds until expiry per token).</summary>
    public IEnumerable<CurrentToken> Cached => _cache.Values.Select(e => e.Token);

    /// <inheritdoc />
    public ValueTask<CurrentToken> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_cache.TryGetValue(name, out var entry))
        {
            var now = _time.GetUtcNow();
            if (entry.RenewInlineAt is not { } at || now < at || now < entry.NextInlineAttempt)
            {
                return ValueTask.FromResult(entry.Token);
            }
        }

        return new ValueTask<CurrentToken>(JoinSlowPathAsync(name, cancellationToken));
    }

    // One load (and inline renewal) per token however many callers arrive together; each caller can still give up.
    private async Task<CurrentToken> JoinSlowPathAsync(string name, CancellationToken ct)
    {
        var lazy = _inflight.GetOrAdd(name, n => new Lazy<Task<CurrentToken>>(() => GetSlowAsync(n, CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, Lazy<Task<CurrentToken>>>(name, lazy));
        }
    }

    private async Task<CurrentToken> GetSlowAsync(string name, CancellationToken ct)
    {
        var token = await _store.GetTokenAsync(name, ct).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No managed token named '{name}'.");
        var current = await CacheAsync(token, ct).ConfigureAwait(false);
        if (!_policy.MustRenewNow(token, _time.GetUtcNow()))
        {
            return current;
        }

        var outcome = await RefreshAsync(name, token.Current.Number, ct).ConfigureAwait(false);
        if (!outcome.Rotated && outcome.Error is not null && _cache.TryGetValue(name, out var entry))
        {
            // Meta is failing: serve the old token and stop every caller from retrying inline for a while.
            entry.NextInlineAttempt = _time.GetUtcNow() + _policy.Options.InitialBackoff;
        }

        return outcome.Current;
    }

    /// <inheritdoc />
    public async Task<RefreshOutcome> RefreshAsync(string name, long? rejectedVersion = null, CancellationToken cancellationToken = default)
    {
        var gate = _gates.GetOrAdd(name, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var held = await _lock.AcquireAsync(name, cancellationToken).ConfigureAwait(false);

            // Read the store under the lock: another caller (or instance) may have rotated while we waited.
            var token = await _store.GetTokenAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No managed token named '{name}'.");
            var current = await CacheAsync(token, cancellationToken).ConfigureAwait(false);
            if (rejectedVersion is { } seen && token.Current.Number > seen)
            {
                EvertokenTelemetry.Refreshes.Add(1, Tag("token", name), Tag("outcome", "already_rotated"));
                return new RefreshOutcome(current, Rotated: false);
            }

            return await RenewLockedAsync(token, current, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<RefreshOutcome> RenewLockedAsync(ManagedToken token, CurrentToken current, CancellationToken ct)
    {
        var name = token.Name;
        var kind = token.Current.Data.Kind;
        // A never-expiring token is left alone: Meta's refresh (set_token_expires_in_60_days) would swap it for one
        // that expires in 60 days, a worse token than the one we have.
        if (!RefreshPolicy.IsRenewable(kind) || token.Current.Data.ExpiresAt is null)
        {
            EvertokenTelemetry.Refreshes.Add(1, Tag("token", name), Tag("outcome", "skipped"));
            return new RefreshOutcome(current, false, Skipped: kind == TokenKind.Unknown
                ? "The token's kind is not known yet; check it first."
                : token.Current.Data.ExpiresAt is null
                    ? $"A {kind} token that never expires needs no renewal (a refresh would make it expire in 60 days); generate a new one to replace it."
                    : $"A {kind} token cannot be renewed through the API; generate a new one.");
        }

        var app = token.AppId is { } appId ? await _store.GetAppAsync(appId, ct).ConfigureAwait(false) : null;
        if (app?.AppSecret is not { Length: > 0 } secret)
        {
            EvertokenTelemetry.Refreshes.Add(1, Tag("token", name), Tag("outcome", "skipped"));
            return new RefreshOutcome(current, false, Skipped: "Renewing needs the app id and app secret; add the app to the token.");
        }

        using var activity = EvertokenTelemetry.ActivitySource.StartActivity("evertoken.token.refresh");
        activity?.SetTag("evertoken.token", name);
        LogRenewing(_logger, name, token.Current.Number, token.Current.Data.Fingerprint);

        var renewed = await _refresher.RenewAsync(token.Current.Data.Value, kind, new AppCredentials(app.AppId, secret), ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (!renewed.IsSuccess)
        {
            var error = renewed.Error;
            LogRenewFailed(_logger, name, error.Code, error.Subcode, error.Kind, error.Message);
            activity?.SetStatus(ActivityStatusCode.Error, error.Kind.ToString());
            EvertokenTelemetry.Refreshes.Add(1, Tag("token", name), Tag("outcome", "failed"));

            // An outage never changes the status: the token is as good as it was. Only Meta's word on the token does.
            var status = error.Kind switch
            {
                GraphErrorKind.Expired => TokenStatus.Expired,
                GraphErrorKind.Invalidated => TokenStatus.Invalid,
                _ => token.Health.Status,
            };
            var failed = token with { Health = token.Health with { Status = status, LastError = $"Renewal failed: {error.Message}" } };
            await _store.UpdateHealthAsync(name, failed.Health, ct).ConfigureAwait(false);
            await _store.AppendAuditAsync(new AuditEntry { At = now, Action = "token.refresh_failed", Actor = "keeper", TokenName = name, Detail = $"{error.Kind}: code {error.Code}" }, ct).ConfigureAwait(false);
            Notify(o => o.OnRefreshFailedAsync(failed, error, CancellationToken.None));
            return new RefreshOutcome(current, false, error);
        }

        // Durable first: the old token stays in the cache until the new one is committed.
        var stored = await _store.AddVersionAsync(name, token.Current.Number, renewed.Value, ct).ConfigureAwait(false);
        if (stored is null)
        {
            // Another writer won the compare-and-swap; serve what it stored.
            var winner = await _store.GetTokenAsync(name, ct).ConfigureAwait(false) ?? throw new KeyNotFoundException(name);
            return new RefreshOutcome(await CacheAsync(winner, ct).ConfigureAwait(false), false);
        }

        var health = new TokenHealth { Status = TokenStatus.Healthy, LastCheckedAt = now, Info = token.Health.Info };
        await _store.UpdateHealthAsync(name, health, ct).ConfigureAwait(false);
        stored = stored with { Health = health };
        var next = await CacheAsync(stored, ct).ConfigureAwait(false);
        await _store.AppendAuditAsync(new AuditEntry
        {
            At = now,
            Action = "token.rotated",
            Actor = "keeper",
            TokenName = name,
            Detail = $"version {token.Current.Number} → {stored.Current.Number}, {stored.Current.Data.Fingerprint}, expires {stored.Current.Data.ExpiresAt?.ToString("u") ?? "never"}",
        }, ct).ConfigureAwait(false);
        LogRotated(_logger, name, stored.Current.Number, stored.Current.Data.Fingerprint);
        EvertokenTelemetry.Refreshes.Add(1, Tag("token", name), Tag("outcome", "rotated"));
        Notify(o => o.OnRotatedAsync(stored, token.Current, CancellationToken.None));
        return new RefreshOutcome(next, true);
    }

    /// <inheritdoc />
    public async Task<TokenCheckOutcome> CheckAsync(string name, CancellationToken cancellationToken = default)
    {
        var token = await _store.GetTokenAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No managed token named '{name}'.");
        var app = token.AppId is { } appId ? await _store.GetAppAsync(appId, cancellationToken).ConfigureAwait(false) : null;
        var value = token.Current.Data.Value;
        var secret = app?.AppSecret;
        var caller = secret is { Length: > 0 } ? $"{app!.AppId}|{secret}" : value;

        var result = await _graph.DebugTokenAsync(value, caller, secret, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        TokenCheckOutcome outcome;
        TokenHealth health;
        if (!result.IsSuccess && !(result.Error.IsTokenProblem && caller == value))
        {
            // Meta could not answer (or refused our app credentials): keep the status, record the problem.
            var error = result.Error;
            health = token.Health with { LastError = $"Check failed: {error.Message}" };
            outcome = new TokenCheckOutcome(name, token.Health.Status, token.Health.Info, error);
        }
        else
        {
            var info = result.IsSuccess ? result.Value : new TokenInfo { IsValid = false, Error = result.Error };
            var status = StatusOf(info, now);
            health = new TokenHealth { Status = status, LastCheckedAt = now, Info = info, LastError = info.IsValid ? null : info.Error?.Message };
            outcome = new TokenCheckOutcome(name, status, info, info.Error);
            if (info.IsValid && (token.Current.Data.Kind != info.Kind || token.Current.Data.ExpiresAt != info.ExpiresAt))
            {
                await _store.UpdateVersionFactsAsync(name, token.Current.Number, info.Kind, info.IssuedAt, info.ExpiresAt, cancellationToken).ConfigureAwait(false);
            }
        }

        await _store.UpdateHealthAsync(name, health, cancellationToken).ConfigureAwait(false);
        EvertokenTelemetry.Checks.Add(1, Tag("token", name), Tag("status", outcome.Status.ToString()));
        if (outcome.Status != token.Health.Status)
        {
            LogStatusChanged(_logger, name, token.Health.Status, outcome.Status);
            await _store.AppendAuditAsync(new AuditEntry { At = now, Action = "token.status", Actor = "keeper", TokenName = name, Detail = $"{token.Health.Status} → {outcome.Status}" }, cancellationToken).ConfigureAwait(false);
        }

        Evict(name);
        var checkedToken = token with { Health = health };
        Notify(o => o.OnCheckedAsync(checkedToken, token.Health.Status, outcome, CancellationToken.None));
        return outcome;
    }

    /// <summary>
    /// Revokes the superseded versions of a 60-day system-user token once the grace period after their replacement
    /// has passed (Meta's refresh → deploy → revoke). Returns how many were revoked.
    /// </summary>
    public async Task<int> RevokeSupersededAsync(string name, CancellationToken cancellationToken = default)
    {
        if (_policy.Options.RevokeGracePeriod is not { } grace)
        {
            return 0;
        }

        var token = await _store.GetTokenAsync(name, cancellationToken).ConfigureAwait(false);
        if (token?.AppId is not { } appId || await _store.GetAppAsync(appId, cancellationToken).ConfigureAwait(false) is not { AppSecret: { Length: > 0 } secret })
        {
            return 0;
        }

        var now = _time.GetUtcNow();
        var history = await _store.GetHistoryAsync(name, cancellationToken).ConfigureAwait(false);
        var revoked = 0;
        for (var i = 1; i < history.Count; i++)
        {
            var old = history[i];
            var successor = history[i - 1];
            if (old.RevokedAt is not null || old.Data.Kind != TokenKind.SystemUser || old.Data.ExpiresAt is null || successor.CreatedAt + grace > now)
            {
                continue;
            }

            if (old.Data.ExpiresAt <= now)
            {
                // Already dead at Meta: nothing to revoke, just record it.
                await _store.MarkRevokedAsync(name, old.Number, now, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var result = await _graph.RevokeTokenAsync(new AppCredentials(appId, secret), old.Data.Value, token.Current.Data.Value, cancellationToken).ConfigureAwait(false);
            if (result.IsSuccess || result.Error.IsTokenProblem)
            {
                await _store.MarkRevokedAsync(name, old.Number, now, cancellationToken).ConfigureAwait(false);
                await _store.AppendAuditAsync(new AuditEntry { At = now, Action = "token.revoked", Actor = "keeper", TokenName = name, Detail = $"version {old.Number} {old.Data.Fingerprint}" }, cancellationToken).ConfigureAwait(false);
                LogRevoked(_logger, name, old.Number, old.Data.Fingerprint);
                revoked++;
            }
            else
            {
                LogRevokeFailed(_logger, name, old.Number, result.Error.Message);
            }
        }

        return revoked;
    }

    /// <inheritdoc />
    public void Evict(string name) => _cache.TryRemove(name, out _);

    private TokenStatus StatusOf(TokenInfo info, DateTimeOffset now)
    {
        if (!info.IsValid)
        {
            return info.Error is { Kind: GraphErrorKind.Expired } ? TokenStatus.Expired : TokenStatus.Invalid;
        }

        return info.ExpiresAt is { } e && e - now <= _policy.Options.AlertWindow ? TokenStatus.ExpiringSoon : TokenStatus.Healthy;
    }

    private async Task<CurrentToken> CacheAsync(ManagedToken token, CancellationToken ct)
    {
        if (_cache.TryGetValue(token.Name, out var existing) && existing.Token.Version == token.Current.Number)
        {
            return existing.Token;
        }

        var app = token.AppId is { } appId ? await _store.GetAppAsync(appId, ct).ConfigureAwait(false) : null;
        var data = token.Current.Data;
        var current = new CurrentToken(token.Name, data.Value, token.Current.Number, data.Kind, data.ExpiresAt, token.AppId, app?.AppSecret);
        var renewInlineAt = RefreshPolicy.IsRenewable(data.Kind) && data.ExpiresAt is { } e && token.Health.Status != TokenStatus.Invalid
            ? e - _policy.Options.HardMargin
            : (DateTimeOffset?)null;
        var entry = new Entry(current, renewInlineAt);
        // The entry AddOrUpdate kept, not a second lookup: a concurrent Evict may remove it in between.
        return _cache.AddOrUpdate(token.Name, entry, (_, old) => old.Token.Version > current.Version ? old : entry).Token;
    }

    private void Notify(Func<ITokenObserver, Task> call)
    {
        foreach (var observer in _observers)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await call(observer).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    LogObserverFailed(_logger, observer.GetType().Name, e.GetType().Name, e.Message);
                }
            });
        }
    }

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    private sealed class Entry(CurrentToken token, DateTimeOffset? renewInlineAt)
    {
        public CurrentToken Token { get; } = token;

        public DateTimeOffset? RenewInlineAt { get; } = renewInlineAt;

        public DateTimeOffset NextInlineAttempt { get; set; } = DateTimeOffset.MinValue;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewing token {Name} version {Version} ({Fingerprint})")]
    private static partial void LogRenewing(ILogger logger, string name, long version, string fingerprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing token {Name} failed: Graph error {Code}/{Subcode} ({Kind}): {Message}; the current version is still served")]
    private static partial void LogRenewFailed(ILogger logger, string name, int code, int? subcode, GraphErrorKind kind, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token {Name} rotated to version {Version} ({Fingerprint})")]
    private static partial void LogRotated(ILogger logger, string name, long version, string fingerprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token {Name} status changed from {Previous} to {Status}")]
    private static partial void LogStatusChanged(ILogger logger, string name, TokenStatus previous, TokenStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked superseded version {Version} of token {Name} ({Fingerprint})")]
    private static partial void LogRevoked(ILogger logger, string name, long version, string fingerprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not revoke superseded version {Version} of token {Name}: {Message}; will retry")]
    private static partial void LogRevokeFailed(ILogger logger, string name, long version, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Token observer {Observer} failed: {Type}: {Message}")]
    private static partial void LogObserverFailed(ILogger logger, string observer, string type, string message);
}
