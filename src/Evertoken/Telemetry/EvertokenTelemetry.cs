using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Evertoken.Telemetry;

/// <summary>
/// The <see cref="Meter"/> and <see cref="ActivitySource"/> named <c>Evertoken</c>, so OpenTelemetry users see
/// refreshes, checks, sink pushes, alerts and proxied calls. Tags never carry token values.
/// </summary>
public static class EvertokenTelemetry
{
    /// <summary>The name of the meter and the activity source.</summary>
    public const string Name = "Evertoken";

    /// <summary>The activity source.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    /// <summary>The meter.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary><c>evertoken.token.refreshes</c>, tagged <c>token</c> and <c>outcome</c> (rotated, failed, skipped, already_rotated).</summary>
    public static readonly Counter<long> Refreshes = Meter.CreateCounter<long>("evertoken.token.refreshes", description: "Token renewals by outcome");

    /// <summary><c>evertoken.token.checks</c>, tagged <c>token</c> and <c>status</c>.</summary>
    public static readonly Counter<long> Checks = Meter.CreateCounter<long>("evertoken.token.checks", description: "debug_token health checks by resulting status");

    /// <summary><c>evertoken.sink.pushes</c>, tagged <c>sink</c> and <c>outcome</c>.</summary>
    public static readonly Counter<long> SinkPushes = Meter.CreateCounter<long>("evertoken.sink.pushes", description: "Pushes of new tokens to sinks by outcome");

    /// <summary><c>evertoken.alerts</c>, tagged <c>kind</c> and <c>outcome</c> (sent, failed).</summary>
    public static readonly Counter<long> Alerts = Meter.CreateCounter<long>("evertoken.alerts", description: "Alerts raised by kind and delivery outcome");

    /// <summary><c>evertoken.proxy.requests</c>, tagged <c>status</c>.</summary>
    public static readonly Counter<long> ProxyRequests = Meter.CreateCounter<long>("evertoken.proxy.requests", description: "Graph API calls proxied");

    /// <summary><c>evertoken.proxy.duration</c> in seconds.</summary>
    public static readonly Histogram<double> ProxyDuration = Meter.CreateHistogram<double>("evertoken.proxy.duration", unit: "s", description: "Duration of proxied Graph API calls");
}
