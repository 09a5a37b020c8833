using System.Net;
using System.Text.Json.Nodes;
using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.EmulatorMessaging;

public class WebhookDeliveryTests
{
    [Fact]
    public async Task Receiver_answering_500_gets_retries_then_success_and_order_holds()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Receiver.FailNext(2);

        var wamid = (await world.SendAsync(MessagingWorld.TemplateBody())).Json["messages"]![0]!["id"]!.GetValue<string>();

        var posts = await world.Receiver.WaitForPostsAsync(5);
        posts.Select(p => (p.StatusName, p.AnsweredStatus)).ShouldBe([("sent", 500), ("sent", 500), ("sent", 200), ("delivered", 200), ("read", 200)]);
        posts[0].Body.ShouldBe(posts[2].Body);
        posts[0].Signature256.ShouldBe(posts[2].Signature256);

        await Poll.UntilAsync(() => world.State.WebhookDeliveries.All(d => d.State == WebhookDeliveryState.Delivered), "all deliveries acknowledged");
        var listed = await world.DeliveriesAsync($"?message_id={Uri.EscapeDataString(wamid)}");
        listed.Count.ShouldBe(3);
        var first = listed[0]!.AsObject();
        first["id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        first["kind"]!.GetValue<string>().ShouldBe("status");
        first["detail"]!.GetValue<string>().ShouldBe("sent");
        first["state"]!.GetValue<string>().ShouldBe("delivered");
        first["attempts"]!.GetValue<int>().ShouldBe(3);
        first["last_status"]!.GetValue<int>().ShouldBe(200);
        first["callback_url"]!.GetValue<string>().ShouldBe(world.Receiver.Url.ToString());
        listed[1]!["attempts"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Failing_delivery_is_given_up_after_the_retry_horizon()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.StatusWebhookSequence = ["sent"];
        world.Settings.WebhookRetryHorizonSeconds = 0.3;
        world.Receiver.FailNext(int.MaxValue);

        await world.SendAsync(MessagingWorld.TemplateBody());

        await Poll.UntilAsync(() => world.State.WebhookDeliveries.Single().State == WebhookDeliveryState.GivenUp, "the delivery to be given up");
        var delivery = world.State.WebhookDeliveries.Single();
        delivery.Attempts.ShouldBeGreaterThan(1);
        delivery.LastStatus.ShouldBe(500);
        delivery.NextAttemptAt.ShouldBeNull();
        world.Receiver.Posts.Count.ShouldBe(delivery.Attempts);
    }

    [Fact]
    public async Task Unreachable_receiver_is_recorded_and_retried()
    {
        await using var world = await MessagingWorld.StartAsync(configureCallback: false);
        world.Settings.StatusWebhookSequence = ["sent"];
        world.Settings.WebhookRetryInitialDelaySeconds = 3600;
        await using (var gone = await WebhookReceiver.StartAsync(world.Sample.AppSecret))
        {
            world.State.SetWebhookCallback(world.Sample.AppId, gone.Url);
        }

        await world.SendAsync(MessagingWorld.TemplateBody());

        await Poll.UntilAsync(() => world.State.WebhookDeliveries.Single().State == WebhookDeliveryState.Retrying, "a failed attempt");
        var delivery = world.State.WebhookDeliveries.Single();
        delivery.Attempts.ShouldBe(1);
        delivery.LastStatus.ShouldBeNull();
        delivery.LastError.ShouldNotBeNullOrEmpty();
        delivery.NextAttemptAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task Redeliver_posts_a_byte_identical_duplicate()
    {
        await using var world = await MessagingWorld.StartAsync();
        var inbound = await world.InboundTextAsync(text: "Grüße");
        var original = (await world.Receiver.WaitForPostsAsync(1))[0];
        var id = inbound["delivery_id"]!.GetValue<string>();

        var redelivery = await world.Emulator.ControlAsync(HttpMethod.Post, $"webhooks/deliveries/{id}/redeliver");

        redelivery["redelivery_of"]!.GetValue<string>().ShouldBe(id);
        redelivery["id"]!.GetValue<string>().ShouldNotBe(id);
        var duplicate = (await world.Receiver.WaitForPostsAsync(2))[1];
        duplicate.Body.ShouldBe(original.Body);
        duplicate.Signature256.ShouldBe(original.Signature256);
        duplicate.SignatureValid.ShouldBeTrue();
    }

    [Fact]
    public async Task Redeliver_of_an_unknown_delivery_is_404()
    {
        await using var world = await MessagingWorld.StartAsync();

        using var response = await world.Emulator.Http.PostAsync("_emulator/webhooks/deliveries/dlv-999/redeliver", null, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Redeliver_every_webhook_once_repeats_each_acknowledged_delivery()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.RedeliverEveryWebhookOnce = true;

        await world.InboundTextAsync();

        var posts = await world.Receiver.WaitForPostsAsync(2);
        posts[0].Body.ShouldBe(posts[1].Body);
        posts[1].Message["id"]!.GetValue<string>().ShouldBe(posts[0].Message["id"]!.GetValue<string>());
        await Poll.UntilAsync(() => world.State.WebhookDeliveries.Count(d => d.State == WebhookDeliveryState.Delivered) == 2, "both acknowledged");
        world.State.WebhookDeliveries.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Callback_with_verify_token_runs_the_verification_handshake()
    {
        await using var world = await MessagingWorld.StartAsync(configureCallback: false);

        var answer = await world.Emulator.ControlAsync(HttpMethod.Post, "webhooks", new { callback_url = world.Receiver.Url.ToString(), verify_token = "let-me-in" });

        answer["verified"]!.GetValue<bool>().ShouldBeTrue();
        answer["app_id"]!.GetValue<string>().ShouldBe(world.Sample.AppId);
        answer.AsObject().ContainsKey("verify_token").ShouldBeFalse();
        world.Receiver.Handshakes.ShouldBe(1);
        await world.InboundTextAsync();
        (await world.Receiver.WaitForPostsAsync(1))[0].SignatureValid.ShouldBeTrue();
    }

    [Fact]
    public async Task Callback_with_a_wrong_verify_token_is_refused()
    {
        await using var world = await MessagingWorld.StartAsync(configureCallback: false);

        using var response = await world.Emulator.Http.PostAsync(
            "_emulator/webhooks",
            new StringContent(new JsonObject { ["callback_url"] = world.Receiver.Url.ToString(), ["verify_token"] = "wrong" }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("403");
        (await world.Emulator.ControlAsync(HttpMethod.Get, "webhooks")).AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Deliveries_stop_with_the_host()
    {
        var world = await MessagingWorld.StartAsync();
        world.Settings.StatusWebhookIntervalSeconds = 3600;
        await world.SendAsync(MessagingWorld.TemplateBody());
        await world.Receiver.WaitForPostsAsync(1);

        await world.Emulator.DisposeAsync();

        await world.State.Messaging.Dispatcher.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        world.State.Clock.Advance(TimeSpan.FromHours(5));
        world.State.WebhookDeliveries.Count(d => d.State == WebhookDeliveryState.Scheduled).ShouldBe(2);
        await world.Receiver.DisposeAsync();
    }
}
