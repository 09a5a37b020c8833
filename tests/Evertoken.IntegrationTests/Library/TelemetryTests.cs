using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Evertoken.Telemetry;

namespace Evertoken.IntegrationTests.Library;

/// <summary>The <c>Evertoken</c> meter and activity source, as an OpenTelemetry user sees them.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_refresh_records_a_measurement_and_an_activity_named_Evertoken()
    {
        // Other tests refresh in parallel in this process: this one looks only at its own token name.
        var name = "telemetry-" + Guid.NewGuid().ToString("N");
        var measurements = new ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EvertokenTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            if (Equals(map.GetValueOrDefault("token"), name))
            {
                measurements.Enqueue((instrument.Name, value, map));
            }
        });
        meters.Start();

        var activities = new ConcurrentQueue<Activity>();
        using var source = new ActivityListener
        {
            ShouldListenTo = s => s.Name == EvertokenTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (Equals(a.GetTagItem("evertoken.token"), name))
                {
                    activities.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(source);

        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        await using var app = await LibraryApp.StartAsync(emu, new LibraryApp.Setup { TokenName = name });
        var outcome = await app.Keeper.RefreshAsync(name, cancellationToken: TestContext.Current.CancellationToken);
        outcome.Rotated.ShouldBeTrue();

        var refresh = measurements.Where(m => m.Instrument == "evertoken.token.refreshes").ShouldHaveSingleItem();
        refresh.Value.ShouldBe(1);
        refresh.Tags["outcome"].ShouldBe("rotated");
        var activity = activities.ShouldHaveSingleItem();
        activity.OperationName.ShouldBe("evertoken.token.refresh");
        activity.Source.Name.ShouldBe(EvertokenTelemetry.Name);
        activity.Status.ShouldNotBe(ActivityStatusCode.Error);
    }
}
