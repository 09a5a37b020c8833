using Evertoken.Alerts;
using Evertoken.Tests.Sinks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.Tests.Alerts;

public sealed class AlertManagerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingChannel _channel = new();

    private AlertManager CreateSut(TimeSpan? reminder = null, int recent = 100, params IAlertChannel[] more) =>
        new(
            [_channel, .. more],
            _time,
            Options.Create(new AlertManagerOptions { ReminderInterval = reminder ?? TimeSpan.FromHours(24), RecentCapacity = recent }));

    private sealed class BrokenChannel : IAlertChannel
    {
        public string Describe => "broken";

        public Task<bool> SendAsync(Alert alert, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("down");
    }

    private sealed class RefusingChannel : IAlertChannel
    {
        public string Describe => "refusing";

        public Task<bool> SendAsync(Alert alert, CancellationToken cancellationToken = default) => Task.FromResult(false);
    }

    [Fact]
    public async Task Repeated_reports_of_the_same_problem_send_one_alert()
    {
        var sut = CreateSut();

        for (var i = 0; i < 10; i++)
        {
            await sut.RaiseAsync(AlertKind.RefreshFailed, "shop", AlertCause.Outage, $"Graph answered 503 (attempt {i})", cancellationToken: TestContext.Current.CancellationToken);
            _time.Advance(TimeSpan.FromMinutes(5));
        }

        var alert = _channel.Alerts.ShouldHaveSingleItem();
        alert.IsReminder.ShouldBeFalse();
        alert.Message.ShouldContain("could not be refreshed");
        alert.Message.ShouldContain("Evertoken keeps retrying");
        sut.Active.ShouldHaveSingleItem().Detail.ShouldBe("Graph answered 503 (attempt 9)");
    }

    [Fact]
    public async Task Different_tokens_kinds_and_sinks_are_separate_states()
    {
        var sut = CreateSut();

        await sut.RaiseAsync(AlertKind.SinkFailed, "shop", AlertCause.Outage, "503", "netlify", cancellationToken: TestContext.Current.CancellationToken);
        await sut.RaiseAsync(AlertKind.SinkFailed, "shop", AlertCause.Outage, "503", "env", cancellationToken: TestContext.Current.CancellationToken);
        await sut.RaiseAsync(AlertKind.SinkFailed, "blog", AlertCause.Outage, "503", "netlify", cancellationToken: TestContext.Current.CancellationToken);
        await sut.RaiseAsync(AlertKind.RefreshFailed, "shop", AlertCause.Outage, "503", cancellationToken: TestContext.Current.CancellationToken);

        _channel.Alerts.Count.ShouldBe(4);
        sut.Active.Count.ShouldBe(4);
    }

    [Fact]
    public async Task A_change_of_cause_is_a_new_alert()
    {
        var sut = CreateSut();

        await sut.RaiseAsync(AlertKind.RefreshFailed, "shop", AlertCause.Outage, "Graph answered 503", cancellationToken: TestContext.Current.CancellationToken);
        await sut.RaiseAsync(AlertKind.RefreshFailed, "shop", AlertCause.Credential, "the app secret is wrong (error 1)", cancellationToken: TestContext.Current.CancellationToken);

        _channel.Alerts.Select(a => a.Cause).ShouldBe([AlertCause.Outage, AlertCause.Credential]);
        _channel.Alerts.Last().Message.ShouldContain("credential problem: fix your setup");
    }

    [Fact]
    public async Task A_persisting_problem_is_reminded_every_interval_by_the_timer_call()
    {
        var sut = CreateSut();
        await sut.RaiseAsync(AlertKind.Invalidated, "shop", AlertCause.Credential, "the user changed their password", cancellationToken: TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromHours(23));
        (await sut.SendDueRemindersAsync(cancellationToken: TestContext.Current.CancellationToken)).ShouldBeEmpty();
        _time.Advance(TimeSpan.FromHours(1));
        var reminder = (await sut.SendDueRemindersAsync(cancellationToken: TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
        (await sut.SendDueRemindersAsync(cancellationToken: TestContext.Current.CancellationToken)).ShouldBeEmpty();
        _time.Advance(TimeSpan.FromHours(24));
        (await sut.SendDueRemindersAsync(cancellationToken: TestContext.Current.CancellationToken)).Count.ShouldBe(1);

        reminder.IsReminder.ShouldBeTrue();
        reminder.Message.ShouldStartWith("Reminder, still unresolved since 2026-11-01 10:00 UTC");
        _channel.Alerts.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_report_after_the_interval_also_sends_the_reminder()
    {
        var sut = CreateSut(reminder: TimeSpan.FromHours(1));
        await sut.RaiseAsync(AlertKind.SinkFailed, "shop", AlertCause.Outage, "503", "netlify", cancellationToken: TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromMinutes(61));
        var reminder = await sut.RaiseAsync(AlertKind.SinkFailed, "shop", AlertCause.Outage, "502", "netlify", cancellationToken: TestContext.Current.CancellationToken);

        reminder.ShouldNotBeNull().IsReminder.ShouldBeTrue();
        reminder.Message.ShouldContain("502");
    }

    [Fact]
    public async Task Recovery_sends_one_recovered_alert_and_closes_the_state()
    {
        var sut = CreateSut();
        await sut.RaiseAsync(AlertKind.SinkFailed, "shop", AlertCause.Credential, "Netlify refused the access token", "netlify", cancellationToken: TestContext.Current.CancellationToken);

        var recovered = await sut.ResolveAsync(AlertKind.SinkFailed, "shop", "netlify", cancellationToken: TestContext.Current.CancellationToken);
        var again = await sut.ResolveAsync(AlertKind.SinkFailed, "shop", "netlify", cancellationToken: TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromDays(3));
        var reminders = await sut.SendDueRemindersAsync(cancellationToken: TestContext.Current.CancellationToken);

        recovered.ShouldNotBeNull();
        recovered.Kind.ShouldBe(AlertKind.Recovered);
        recovered.Sink.ShouldBe("netlify");
        recovered.Message.ShouldContain("sink 'netlify' accepted token 'shop' again");
        again.ShouldBeNull();
        reminders.ShouldBeEmpty();
        sut.Active.ShouldBeEmpty();
        _channel.Alerts.Select(a => a.Kind).ShouldBe([AlertKind.SinkFailed, AlertKind.Recovered]);
    }

    [Fact]
    public async Task Resolving_something_that_never_failed_sends_nothing()
    {
        (await CreateSut().ResolveAsync(AlertKind.RefreshFailed, "shop", cancellationToken: TestContext.Current.CancellationToken)).ShouldBeNull();
        _channel.Alerts.ShouldBeEmpty();
    }

    [Fact]
    public async Task Recent_keeps_the_newest_alerts_up_to_its_capacity()
    {
        var sut = CreateSut(recent: 3);

        for (var i = 0; i < 5; i++)
        {
            await sut.RaiseAsync(AlertKind.RefreshFailed, $"token-{i}", AlertCause.Outage, "503", cancellationToken: TestContext.Current.CancellationToken);
        }

        sut.Recent.Select(a => a.TokenName).ShouldBe(["token-4", "token-3", "token-2"]);
    }

    [Fact]
    public async Task Failing_channels_do_not_throw_and_do_not_stop_the_others()
    {
        var sut = CreateSut(null, 100, new BrokenChannel(), new RefusingChannel());

        var alert = await sut.RaiseAsync(AlertKind.RefreshFailed, "shop", AlertCause.Outage, "503", cancellationToken: TestContext.Current.CancellationToken);

        alert.ShouldNotBeNull();
        _channel.Alerts.ShouldHaveSingleItem();
        sut.Recent.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Recovered_is_not_a_problem_kind() =>
        await Should.ThrowAsync<ArgumentException>(() => CreateSut().RaiseAsync(AlertKind.Recovered, "shop", AlertCause.None, "x", cancellationToken: TestContext.Current.CancellationToken));
}
