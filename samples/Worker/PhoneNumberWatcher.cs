using System.Text.Json;
using Evertoken.WhatsApp;
using Microsoft.Extensions.Options;

namespace Evertoken.Samples.Worker;

/// <summary>
/// Every <see cref="WatcherOptions.Interval"/>: reads the phone number (Graph <c>GET /{phone-number-id}</c>) and, when
/// <see cref="WatcherOptions.SendTo"/> is set, sends a text with <see cref="CloudApiClient"/>. Each round is guarded:
/// a failure is logged and the next round still runs.
/// </summary>
public sealed partial class PhoneNumberWatcher(
    IHttpClientFactory httpClientFactory,
    CloudApiClient cloudApi,
    IOptions<WatcherOptions> options,
    TimeProvider timeProvider,
    ILogger<PhoneNumberWatcher> logger) : BackgroundService
{
    /// <summary>The named HttpClient that carries the token.</summary>
    public const string GraphClientName = "graph";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.Interval, timeProvider);
        do
        {
            try
            {
                await RunRoundAsync(o, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // One bad round (Graph down, a timeout, an unexpected answer) must not end the worker.
                LogRoundFailed(logger, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RunRoundAsync(WatcherOptions o, CancellationToken ct)
    {
        var http = httpClientFactory.CreateClient(GraphClientName);
        using var response = await http.GetAsync($"{o.PhoneNumberId}?fields=id,display_phone_number,verified_name,quality_rating", ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        if (!response.IsSuccessStatusCode)
        {
            var message = body.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var m) ? m.GetString() : null;
            LogReadFailed(logger, o.PhoneNumberId, (int)response.StatusCode, message ?? "no Graph error in the answer");
            return;
        }

        var root = body.RootElement;
        LogReachable(logger, o.PhoneNumberId, Text(root, "display_phone_number"), Text(root, "verified_name"), Text(root, "quality_rating"));

        if (o.SendTo is { Length: > 0 } to)
        {
            var sent = await cloudApi.SendAsync(o.PhoneNumberId, WhatsAppMessage.Text(to, o.Text), ct);
            if (sent.TryGetValue(out var result))
            {
                LogSent(logger, result.Wamid);
            }
            else
            {
                LogSendFailed(logger, sent.Error!.Code, sent.Error.Message);
            }
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "?";

    [LoggerMessage(Level = LogLevel.Information, Message = "Phone number {Id} is reachable: {Display} ({VerifiedName}), quality {Quality}")]
    private static partial void LogReachable(ILogger logger, string id, string display, string verifiedName, string quality);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading phone number {Id} failed with HTTP {Status}: {Message}")]
    private static partial void LogReadFailed(ILogger logger, string id, int status, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message sent: {Wamid}")]
    private static partial void LogSent(ILogger logger, string wamid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending failed: Graph error {Code}: {Message}")]
    private static partial void LogSendFailed(ILogger logger, int code, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "The round failed: {Type}: {Message}; the next round runs on schedule")]
    private static partial void LogRoundFailed(ILogger logger, string type, string message);
}
