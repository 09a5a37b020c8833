using System.Collections.Concurrent;
using Evertoken.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Evertoken.Tokens;

/// <summary>
/// Renews and checks every managed token on schedule (<see cref="RefreshPolicy"/>), and revokes superseded 60-day
/// system-user tokens after the grace period. Each pass and each token is guarded: a failure backs that token off
/// (exponential, with jitter) and never stops the loop or the other tokens.
/// </summary>
public sealed partial class RefreshWorker(
    ITokenStore store,
    TokenKeeper keeper,
    RefreshPolicy policy,
    TimeProvider timeProvider,
    IOptions<RefreshWorkerOptions> options,
    ILogger<RefreshWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Backoff> _backoff = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, timeProvider);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One pass over every token; returns how many Graph actions (checks and renewals) it made.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var tokens = await store.ListTokensAsync(cancellationToken).ConfigureAwait(false);
        var actions = 0;
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Concurrency), CancellationToken = cancellationToken },
            async (token, ct) =>
            {
                if (await HandleAsync(token, ct).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref actions);
                }
            }).ConfigureAwait(false);
        return actions;
    }

    private async Task<bool> HandleAsync(ManagedToken token, CancellationToken ct)
    {
        var now = timeProvider.GetUtcNow();
        if (_backoff.TryGetValue(token.Name, out var backoff) && now < backoff.NextAt)
        {
            return false;
        }

        try
        {
            var decision = policy.Decide(token, now);
            var acted = true;
            var failed = false;
            switch (decision.Action)
            {
                case RefreshAction.Check:
                    var check = await keeper.CheckAsync(token.Name, ct).ConfigureAwait(false);
                    failed = check.Error is { IsRetryable: true } || (check.Error is not null && check.Status is not (TokenStatus.Invalid or TokenStatus.Expired));
                    break;
                case RefreshAction.Renew:
                    LogRenewDue(logger, token.Name, decision.Reason);
                    var outcome = await keeper.RefreshAsync(token.Name, rejectedVersion: null, ct).ConfigureAwait(false);
                    failed = outcome.Error is not null;
                    break;
                default:
                    acted = false;
                    break;
            }

            if (failed)
            {
                Defer(token.Name, now);
            }
            else
            {
                _backoff.TryRemove(token.Name, out _);
            }

            await keeper.RevokeSupersededAsync(token.Name, ct).ConfigureAwait(false);
            return acted;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogTokenFailed(logger, token.Name, e.GetType().Name, e.Message);
            Defer(token.Name, now);
            return false;
        }
    }

    private void Defer(string name, DateTimeOffset now)
    {
        var o = policy.Options;
        _backoff.AddOrUpdate(name,
            _ => new Backoff(1, now + Delay(1)),
            (_, old) => new Backoff(old.Failures + 1, now + Delay(old.Failures + 1)));

        TimeSpan Delay(int failures)
        {
            var exponential = o.InitialBackoff * Math.Pow(2, Math.Min(failures - 1, 20));
            var capped = exponential < o.MaxBackoff ? exponential : o.MaxBackoff;
            // Up to 20% jitter so instances and tokens do not retry in lockstep.
            return capped * (1 + (Random.Shared.NextDouble() * 0.2));
        }
    }

    /// <summary>When a token that failed will be tried again, or null when it is not backing off.</summary>
    public DateTimeOffset? NextAttemptOf(string name) => _backoff.TryGetValue(name, out var b) ? b.NextAt : null;

    private sealed record Backoff(int Failures, DateTimeOffset NextAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token {Name} is due for renewal: {Reason}")]
    private static partial void LogRenewDue(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling token {Name} failed: {Type}: {Message}; backing off")]
    private static partial void LogTokenFailed(ILogger logger, string name, string type, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refresh pass failed: {Type}: {Message}")]
    private static partial void LogPassFailed(ILogger logger, string type, string message);
}
