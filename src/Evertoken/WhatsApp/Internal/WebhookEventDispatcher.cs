using Evertoken.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// Hands stored webhook events to the app's <see cref="IWebhookEventHandler"/>s in storage order, after Meta has had
/// its 200. Progress is a cursor (the last event id handled) saved after each page, so a restart resumes there: at
/// least once, never skipped. With the SQLite inbox the cursor is a file in the data folder; with the shared
/// PostgreSQL inbox it is a row beside the events, and only the instance holding an advisory lock hands events out
/// (<see cref="PostgresWebhookHandlerCursor"/>), so each event reaches the handlers once, not once per instance.
/// Idle when no handler is registered.
/// </summary>
internal sealed class WebhookEventDispatcher(
    IWebhookInbox inbox,
    IEnumerable<IWebhookEventHandler> handlers,
    IOptions<WebhookHandlerOptions> options,
    IOptions<EvertokenOptions> evertoken,
    TimeProvider time,
    ILogger<WebhookEventDispatcher> logger) : BackgroundService
{
    private const int PageSize = 100;

    private readonly IWebhookEventHandler[] _handlers = [.. handlers];
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _rounds;

    /// <summary>Waits between rounds so far (for tests: a loop that went round again had its chance to act).</summary>
    internal long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>The cursor file's full path.</summary>
    internal string CursorPath { get; } = Path.IsPathRooted(options.Value.CursorFile)
        ? options.Value.CursorFile
        : Path.Combine(evertoken.Value.ResolvedDataFolder, options.Value.CursorFile);

    /// <summary>A webhook was stored: look now instead of at the next poll.</summary>
    public void Wake()
    {
        if (_handlers.Length == 0)
        {
            return;
        }

        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_handlers.Length == 0)
        {
            return;
        }

        await using var place = CreateCursor();
        long? cursor = null;
        var leading = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!leading)
                {
                    if (!await place.TryLeadAsync(stoppingToken).ConfigureAwait(false))
                    {
                        // Another instance hands the events out; this one tries again each poll, to take over when it stops.
                        await WaitAsync(stoppingToken).ConfigureAwait(false);
                        continue;
                    }

                    leading = true;
                    cursor = await place.ReadAsync(stoppingToken).ConfigureAwait(false);
                }

                // Payloads stored so far are indexed first, so their events are in the page.
                await inbox.WaitForIndexAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                var page = await inbox.QueryEventsAsync(new WebhookEventQuery { After = cursor, Limit = PageSize }, stoppingToken).ConfigureAwait(false);
                foreach (var stored in page.Events)
                {
                    foreach (var handler in _handlers)
                    {
                        await HandleAsync(handler, stored, stoppingToken).ConfigureAwait(false);
                    }

                    cursor = stored.Id;
                }

                if (page.Events.Count > 0)
                {
                    await place.WriteAsync(cursor!.Value, stoppingToken).ConfigureAwait(false);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                WebhookReceiverLog.DispatchLoopFailed(logger, ex);
                // The lead may be gone with a broken connection: let it go, and read the saved cursor when leading again.
                await place.ReleaseAsync().ConfigureAwait(false);
                leading = false;
            }

            await WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        if (leading && cursor is { } last)
        {
            try
            {
                await place.WriteAsync(last, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stopping: the events since the last save are handed again on the next start (at least once).
                WebhookReceiverLog.DispatchLoopFailed(logger, ex);
            }
        }
    }

    // The shared inbox of several instances keeps the cursor beside it; a single instance's in its data folder.
    private IWebhookHandlerCursor CreateCursor() => inbox is PostgresWebhookInbox postgres
        ? new PostgresWebhookHandlerCursor(postgres.DataSource, CursorPath, time)
        : new FileWebhookHandlerCursor(CursorPath);

    private async Task HandleAsync(IWebhookEventHandler handler, StoredWebhookEvent stored, CancellationToken ct)
    {
        var settings = options.Value;
        var delay = settings.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await handler.HandleAsync(stored, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                var name = handler.GetType().Name;
                if (attempt >= settings.MaxAttempts)
                {
                    WebhookReceiverLog.HandlerGaveUp(logger, ex, name, stored.Id, attempt);
                    return;
                }

                WebhookReceiverLog.HandlerFailed(logger, ex, name, stored.Id, attempt, settings.MaxAttempts, delay);
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
                delay *= 2;
            }
        }
    }

    private async Task WaitAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _rounds);
        using var poll = new CancellationTokenSource(options.Value.PollInterval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, poll.Token);
        try
        {
            await _wake.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The poll interval passed, or the service is stopping (the loop checks which).
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
