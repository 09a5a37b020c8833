using Evertoken.Alerts;
using Evertoken.Tests.Sinks;

namespace Evertoken.Tests.Alerts;

public sealed class LogAlertChannelTests
{
    [Fact]
    public async Task Problems_are_warnings_and_recoveries_information()
    {
        var log = new CapturingLogger<LogAlertChannel>();
        var sut = new LogAlertChannel(log);
        var at = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

        (await sut.SendAsync(new Alert { Kind = AlertKind.SinkFailed, TokenName = "shop", Message = "it broke", Sink = "env", Cause = AlertCause.Outage, At = at }, cancellationToken: TestContext.Current.CancellationToken))
            .ShouldBeTrue();
        await sut.SendAsync(new Alert { Kind = AlertKind.Recovered, TokenName = "shop", Message = "it works", Sink = "env", At = at }, cancellationToken: TestContext.Current.CancellationToken);

        log.Lines.ShouldBe([
            "Warning: Alert SinkFailed for token shop (sink env, cause Outage): it broke ",
            "Information: Alert Recovered for token shop (sink env): it works ",
        ]);
    }
}
