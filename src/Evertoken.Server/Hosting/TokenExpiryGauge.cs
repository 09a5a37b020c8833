using System.Diagnostics.Metrics;
using Evertoken.Storage;
using Evertoken.Telemetry;

namespace Evertoken.Server.Hosting;

/// <summary>
/// Publishes <c>evertoken.token.expiry</c> (seconds until each token expires; never-expiring tokens are left out) and
/// <c>evertoken.token.status</c> from a snapshot of the store taken every 15 seconds, so a scrape never touches the database.
/// </summary>
internal sealed class TokenExpiryGauge(ITokenStore store, TimeProvider time, ILogger<TokenExpiryGauge> logger) : BackgroundService
{
    private volatile IReadOnlyList<ManagedToken> _snapshot = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        EvertokenTelemetry.Meter.CreateObservableGauge("evertoken.token.expiry", () => _snapshot
            .Where(t => t.Current.Data.ExpiresAt is not null)
            .Select(t => new Measurement<double>((t.Current.Data.ExpiresAt!.Value - time.GetUtcNow()).TotalSeconds, new KeyValuePair<string, object?>("token", t.Name))),
            unit: "s", description: "Seconds until the token's current version expires");
        EvertokenTelemetry.Meter.CreateObservableGauge("evertoken.token.healthy", () => _snapshot
            .Select(t => new Measurement<int>(t.Health.Status is TokenStatus.Healthy ? 1 : 0, new KeyValuePair<string, object?>("token", t.Name), new KeyValuePair<string, object?>("status", t.Health.Status.ToString()))),
            description: "1 when the token is healthy");

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), time);
        do
        {
            try
            {
                _snapshot = await store.ListTokensAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Token snapshot for metrics failed: {Type}: {Message}", e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
