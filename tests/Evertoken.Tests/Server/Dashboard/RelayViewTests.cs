using Evertoken.Server.Dashboard.Internal;
using Evertoken.WhatsApp;

namespace Evertoken.Tests.Server.Dashboard;

public sealed class RelayViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_target_with_dead_letters_says_how_many_and_its_last_error_and_lists_them_for_replay()
    {
        var model = RelayView.Build(Status(
            [Target("app", dead: 2, delivered: 5)],
            [Delivery(9, "app", "dead", "the receiver answered HTTP 500"), Delivery(8, "app", "delivered", null), Delivery(7, "app", "dead", "the request failed (ConnectionError)")]), Now);

        var target = model.Targets.Single();
        target.States.ShouldBe([new RelayView.Badge("bad", "Dead letters: 2")]);
        target.LastError.ShouldBe("the receiver answered HTTP 500");
        model.DeadLetters.Select(d => d.PayloadId).ShouldBe([9L, 7L]);
        model.HasActiveTarget.ShouldBeTrue();
    }

    [Fact]
    public void A_pending_delivery_scheduled_later_is_retrying_and_a_fresh_one_is_sending()
    {
        var retrying = RelayView.Build(Status([Target("app", pending: 1, next: Now.AddSeconds(20))], [Delivery(1, "app", "pending", "no answer within 15 s")]), Now);
        retrying.Targets.Single().States.ShouldBe([new RelayView.Badge("warn", "Retrying")]);

        var sending = RelayView.Build(Status([Target("app", pending: 1, next: Now)], [Delivery(1, "app", "pending", null)]), Now);
        sending.Targets.Single().States.ShouldBe([new RelayView.Badge("info", "Sending")]);
    }

    [Fact]
    public void A_target_that_only_delivered_is_healthy_and_one_without_deliveries_says_so()
    {
        var model = RelayView.Build(Status([Target("a", delivered: 3), Target("b")], []), Now);
        model.Targets[0].States.ShouldBe([new RelayView.Badge("ok", "Healthy")]);
        model.Targets[1].States.ShouldBe([new RelayView.Badge("idle", "No deliveries yet")]);
    }

    [Fact]
    public void A_target_no_longer_configured_is_listed_after_the_others_as_disabled()
    {
        var model = RelayView.Build(Status([Target("old", enabled: false, delivered: 1), Target("new")], []), Now);
        model.Targets.Select(t => t.Name).ShouldBe(["new", "old"]);
        model.Targets[1].States.ShouldBe([new RelayView.Badge("idle", "Disabled")]);
        RelayView.Build(Status([Target("old", enabled: false)], []), Now).HasActiveTarget.ShouldBeFalse();
    }

    [Fact]
    public void An_unnamed_target_shows_its_host_only_because_its_path_may_hold_a_key()
    {
        const string url = "https://hooks.example.com:8443/in/sk_live_secret";
        var model = RelayView.Build(Status([Target(url, dead: 1) with { Url = url }], [Delivery(3, url, "dead", "the receiver answered HTTP 404")]), Now);

        model.Targets.Single().Name.ShouldBe("hooks.example.com:8443/…");
        model.Targets.Single().Host.ShouldBe("hooks.example.com:8443");
        model.DeadLetters.Single().Target.ShouldBe("hooks.example.com:8443/…");
    }

    [Theory]
    [InlineData(null, "bad", "There is no stored webhook payload #4.")]
    [InlineData(0, "bad", "No configured relay target matches")]
    [InlineData(1, "ok", "Queued again for 1 target (payload #4).")]
    [InlineData(2, "ok", "Queued again for 2 targets (payload #4).")]
    public void A_replay_outcome_is_said_in_words(int? queued, string tone, string text)
    {
        var outcome = RelayView.ReplayOutcome(4, queued);
        outcome.Tone.ShouldBe(tone);
        outcome.Text.ShouldContain(text);
    }

    [Theory]
    [InlineData("none", "Not relayed")]
    [InlineData(null, "Not relayed")]
    [InlineData("pending", "Pending")]
    [InlineData("delivered", "Delivered")]
    [InlineData("dead", "Dead")]
    public void A_payload_relay_state_has_a_word(string? state, string word) =>
        RelayView.PayloadState(state).Word.ShouldBe(word);

    [Fact]
    public void A_waiting_payload_is_pending_only_when_a_target_in_use_takes_its_phone_number()
    {
        var all = RelayView.Build(Status([Target("app")], []), Now);
        var one = RelayView.Build(Status([Target("app") with { PhoneNumberId = "111" }, Target("old", enabled: false)], []), Now);
        var none = RelayView.Build(Status([Target("old", enabled: false)], []), Now);

        RelayView.EventState("pending", "222", all).Word.ShouldBe("Pending");
        RelayView.EventState("pending", "111", one).Word.ShouldBe("Pending");
        RelayView.EventState("pending", "222", one).Word.ShouldBe("Not relayed");
        RelayView.EventState("pending", "222", none).Word.ShouldBe("Not relayed");
        RelayView.EventState("pending", "222", null).Word.ShouldBe("Not relayed");
        RelayView.EventState("dead", "222", none).Word.ShouldBe("Dead");
    }

    private static WebhookRelayStatus Status(IReadOnlyList<WebhookRelayTargetStatus> targets, IReadOnlyList<WebhookRelayDelivery> deliveries) =>
        new(targets, deliveries);

    private static WebhookRelayTargetStatus Target(string name, bool enabled = true, int pending = 0, int delivered = 0, int dead = 0, DateTimeOffset? next = null) => new()
    {
        Name = name,
        Url = "http://127.0.0.1:9000/hook",
        PhoneNumberId = "*",
        Enabled = enabled,
        Pending = pending,
        Delivered = delivered,
        Dead = dead,
        NextAttemptAt = next,
    };

    private static WebhookRelayDelivery Delivery(long payloadId, string target, string state, string? error) => new()
    {
        Id = payloadId,
        PayloadId = payloadId,
        Target = target,
        PhoneNumberId = "106540352242922",
        State = state,
        Attempts = 3,
        LastAttemptAt = Now.AddMinutes(-1),
        LastError = error,
    };
}
