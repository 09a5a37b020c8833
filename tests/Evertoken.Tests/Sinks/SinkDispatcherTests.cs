using Evertoken.Alerts;
using Evertoken.Sinks;
using Microsoft.Extensions.Options;

namespace Evertoken.Tests.Sinks;

public sealed class SinkDispatcherTests
{
    private readonly ObservingTimeProvider _time = new();
    private readonly RecordingChannel _channel = new();
    private readonly CapturingLogger<SinkDispatcher> _log = new();

    private SinkDispatcher CreateSut(int maxAttempts = 5, double jitter = 0) =>
        new(
            new AlertManager([_channel], _time),
            _time,
            Options.Create(new SinkDispatcherOptions { MaxAttempts = maxAttempts, Jitter = jitter }),
            _log);

    [Fact]
    public async Task A_sink_failing_twice_then_succeeding_takes_three_attempts_with_growing_waits_and_ends_ok()
    {
        var sink = new ScriptedSink(_time, SinkResult.Transient("503"), SinkResult.Transient("503"), SinkResult.Ok);
        var start = _time.GetUtcNow();

        var statuses = await _time.DriveAsync(CreateSut().PushAsync(TestTokens.Push(), [new NamedSink("netlify-prod", sink)], cancellationToken: TestContext.Current.CancellationToken));

        var status = statuses.ShouldHaveSingleItem();
        status.State.ShouldBe(SinkState.Ok);
        status.Attempts.ShouldBe(3);
        status.LastError.ShouldBeNull();
        status.LastSuccess.ShouldBe(start + TimeSpan.FromSeconds(6));
        sink.Calls.ShouldBe([start, start + TimeSpan.FromSeconds(2), start + TimeSpan.FromSeconds(6)]);
        _channel.Alerts.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried_and_raises_one_credential_alert()
    {
        var sink = new ScriptedSink(_time, SinkResult.Permanent("Netlify refused the access token (HTTP 401)."));
        var sut = CreateSut();

        var status = (await _time.DriveAsync(sut.PushAsync(TestTokens.Push(), [new NamedSink("netlify-prod", sink)], cancellationToken: TestContext.Current.CancellationToken))).Single();
        await _time.DriveAsync(sut.PushAsync(TestTokens.Push(version: 4), [new NamedSink("netlify-prod", sink)], cancellationToken: TestContext.Current.CancellationToken));

        sink.Calls.Count.ShouldBe(2); // one per push, no retry
        status.State.ShouldBe(SinkState.Failing);
        status.Attempts.ShouldBe(1);
        status.Retryable.ShouldBeFalse();
        var alert = _channel.Alerts.ShouldHaveSingleItem();
        alert.Kind.ShouldBe(AlertKind.SinkFailed);
        alert.Cause.ShouldBe(AlertCause.Credential);
        alert.Sink.ShouldBe("netlify-prod");
        alert.TokenName.ShouldBe("wedding-matcher");
        alert.Message.ShouldContain("Netlify refused the access token");
        alert.Message.ShouldContain("setup problem");
    }

    [Fact]
    public async Task Transient_failures_stop_after_the_maximum_attempts_and_raise_an_outage_alert()
    {
        var sink = new ScriptedSink(_time, SinkResult.Transient("Netlify answered HTTP 503"));

        var status = (await _time.DriveAsync(CreateSut(maxAttempts: 4).PushAsync(TestTokens.Push(), [new NamedSink("n", sink)], cancellationToken: TestContext.Current.CancellationToken))).Single();

        status.Attempts.ShouldBe(4);
        status.State.ShouldBe(SinkState.Failing);
        status.LastError.ShouldBe("Netlify answered HTTP 503");
        _time.AllRequested.ShouldBe([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)]);
        var alert = _channel.Alerts.ShouldHaveSingleItem();
        alert.Cause.ShouldBe(AlertCause.Outage);
        alert.Message.ShouldContain("keeps retrying");
    }

    [Fact]
    public async Task A_sink_that_works_again_sends_one_recovered_alert_and_keeps_its_last_success()
    {
        var sink = new ScriptedSink(_time, SinkResult.Permanent("bad path"), SinkResult.Ok, SinkResult.Ok);
        var sut = CreateSut();

        await _time.DriveAsync(sut.PushAsync(TestTokens.Push(version: 3), [new NamedSink("env", sink)], cancellationToken: TestContext.Current.CancellationToken));
        _time.Advance(TimeSpan.FromMinutes(10));
        var recovered = (await _time.DriveAsync(sut.PushAsync(TestTokens.Push(version: 4), [new NamedSink("env", sink)], cancellationToken: TestContext.Current.CancellationToken))).Single();
        await _time.DriveAsync(sut.PushAsync(TestTokens.Push(version: 5), [new NamedSink("env", sink)], cancellationToken: TestContext.Current.CancellationToken));

        recovered.State.ShouldBe(SinkState.Ok);
        _channel.Alerts.Select(a => a.Kind).ShouldBe([AlertKind.SinkFailed, AlertKind.Recovered]);
        _channel.Alerts.Last().Sink.ShouldBe("env");
        sut.Statuses.ShouldHaveSingleItem().Version.ShouldBe(5);
    }

    [Fact]
    public async Task Each_sink_has_its_own_status_and_one_failing_sink_does_not_stop_the_others()
    {
        var good = new ScriptedSink(_time, SinkResult.Ok);
        var bad = new ScriptedSink(_time, SinkResult.Permanent("nope"));

        var statuses = await _time.DriveAsync(CreateSut().PushAsync(
            TestTokens.Push(), [new NamedSink("good", good), new NamedSink("bad", bad)], cancellationToken: TestContext.Current.CancellationToken));

        statuses.Select(s => (s.Sink, s.State)).ShouldBe([("good", SinkState.Ok), ("bad", SinkState.Failing)]);
    }

    [Fact]
    public async Task A_sink_that_throws_is_a_transient_failure_and_its_message_is_never_repeated()
    {
        var sink = new ScriptedSink(_time, SinkResult.Ok) { Throw = new InvalidOperationException($"boom {TestTokens.Value}") };

        var status = (await _time.DriveAsync(CreateSut(maxAttempts: 2).PushAsync(TestTokens.Push(), [new NamedSink("x", sink)], cancellationToken: TestContext.Current.CancellationToken))).Single();

        status.Attempts.ShouldBe(2);
        status.LastError.ShouldNotBeNull().ShouldContain("InvalidOperationException");
        status.LastError.ShouldNotContain(TestTokens.Value);
        _log.Lines.ShouldNotBeEmpty();
        _log.Lines.ShouldAllBe(line => !line.Contains(TestTokens.Value));
        _channel.Alerts.ShouldAllBe(a => !a.Message.Contains(TestTokens.Value));
    }

    [Fact]
    public async Task Log_lines_and_alerts_show_the_fingerprint_never_the_value()
    {
        var sink = new ScriptedSink(_time, SinkResult.Transient("503"), SinkResult.Permanent("401"));

        await _time.DriveAsync(CreateSut().PushAsync(TestTokens.Push(), [new NamedSink("x", sink)], cancellationToken: TestContext.Current.CancellationToken));

        var fingerprint = TestTokens.Push().Fingerprint;
        _channel.Alerts.ShouldHaveSingleItem().Message.ShouldContain(fingerprint);
        _log.Lines.ShouldAllBe(line => !line.Contains(TestTokens.Value));
    }

    [Fact]
    public void Backoff_grows_exponentially_is_capped_and_jitter_only_shortens_it()
    {
        var sut = new SinkDispatcher(
            new AlertManager([], _time),
            _time,
            Options.Create(new SinkDispatcherOptions { InitialDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromSeconds(60), Jitter = 0.5 }));

        for (var i = 0; i < 50; i++)
        {
            sut.Backoff(1).ShouldBeInRange(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
            sut.Backoff(2).ShouldBeInRange(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
            sut.Backoff(9).ShouldBeInRange(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        }
    }
}
