using System.Globalization;
using Evertoken.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// Hands stored webhook events to the app's <see cref="IWebhookEventHandler"/>s in storage order, after Meta has had
/// its 200. Progress is a cursor (the last event id handled) saved to a file after each page, so a restart resumes
/// there: at least once, never skipped. Idle when no handler is registered.
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

        var cursor = ReadCursor();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
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
                    WriteCursor(cursor!.Value);
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
            }

            await WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        if (cursor is { } last)
        {
            WriteCursor(last);
        }
    }

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

    private long? ReadCursor()
    {
        if (!File.Exists(CursorPath))
        {
            // First start: every stored event, so nothing received before the handler ran is missed.
            return null;
        }

        var text = File.ReadAllText(CursorPath).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidOperationException($"The webhook handler cursor file {CursorPath} does not hold an event id; delete it to hand every stored event again.");
    }

    // Written to a temporary file and moved over the old one, so a crash leaves the old cursor or the new one.
    private void WriteCursor(long id)
    {
        var folder = Path.GetDirectoryName(CursorPath)!;
        Directory.CreateDirectory(folder);
        var temp = CursorPath + ".tmp";
        File.WriteAllText(temp, id.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, CursorPath, overwrite: true);
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
