using System.Net;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.IntegrationTests.Emulator;

namespace Evertoken.IntegrationTests.EmulatorMessaging;

public class StatusWebhookTests
{
    [Fact]
    public async Task Statuses_arrive_signed_in_order_in_Meta_envelope()
    {
        await using var world = await MessagingWorld.StartAsync();

        var wamid = (await world.SendAsync(MessagingWorld.TemplateBody())).Json["messages"]![0]!["id"]!.GetValue<string>();

        var posts = await world.Receiver.WaitForPostsAsync(3);
        posts.Select(p => p.StatusName).ShouldBe(["sent", "delivered", "read"]);
        foreach (var post in posts)
        {
            post.SignatureValid.ShouldBeTrue();
            post.Signature256.ShouldMatch("^sha256=[0-9a-f]{64}$");
            post.Signature1.ShouldMatch("^sha1=[0-9a-f]{40}$");
            post.Json["object"]!.GetValue<string>().ShouldBe("whatsapp_business_account");
            post.Json["entry"]![0]!["id"]!.GetValue<string>().ShouldBe(world.Sample.WabaId);
            post.Json["entry"]![0]!["changes"]![0]!["field"]!.GetValue<string>().ShouldBe("messages");
            post.Value["metadata"]!["phone_number_id"]!.GetValue<string>().ShouldBe(world.Sample.PhoneNumberId);
            post.Value["metadata"]!["display_phone_number"]!.GetValue<string>().ShouldBe("15550100");
            post.Status["id"]!.GetValue<string>().ShouldBe(wamid);
            post.Status["recipient_id"]!.GetValue<string>().ShouldBe(MessagingWorld.User);
        }

        // read: exactly the fixture's envelope; delivered: the fixture's status object (PMP pricing).
        posts[2].Json.ShouldHaveSameShape(Fixture.Load("whatsapp/webhook.status.read.json"));
        var deliveredFixture = Fixture.Load("whatsapp/webhook.status.delivered-pmp-with-contacts.json");
        posts[1].Status.ShouldHaveSameShape(deliveredFixture["entry"]![0]!["changes"]![0]!["value"]!["statuses"]![0]!);
        posts[1].Status["pricing"]!["pricing_model"]!.GetValue<string>().ShouldBe("PMP");
        posts[1].Status["pricing"]!["category"]!.GetValue<string>().ShouldBe("marketing");
    }

    [Fact]
    public async Task Free_form_reply_in_the_window_is_priced_as_free_customer_service()
    {
        await using var world = await MessagingWorld.StartAsync();
        await world.InboundTextAsync();
        await world.Receiver.WaitForPostsAsync(1);

        await world.SendTextAsync();

        var sent = (await world.Receiver.WaitForPostsAsync(2))[1].Status;
        sent["pricing"]!["billable"]!.GetValue<bool>().ShouldBeFalse();
        sent["pricing"]!["type"]!.GetValue<string>().ShouldBe("free_customer_service");
        sent["pricing"]!["category"]!.GetValue<string>().ShouldBe("service");
    }

    [Fact]
    public async Task Conversation_based_pricing_carries_the_conversation_like_the_fixture()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.PricingModel = "CBP";

        await world.SendAsync(MessagingWorld.TemplateBody());
        await world.SendAsync(MessagingWorld.TemplateBody());

        var posts = await world.Receiver.WaitForPostsAsync(6);
        var sent = posts.Where(p => p.StatusName == "sent").ToList();
        sent[0].Json.ShouldHaveSameShape(Fixture.Load("whatsapp/webhook.status.sent-cbp-with-conversation.json"));
        sent[0].Status["conversation"]!["id"]!.GetValue<string>().ShouldBe(sent[1].Status["conversation"]!["id"]!.GetValue<string>());
        var delivered = posts.First(p => p.StatusName == "delivered").Status;
        delivered["conversation"]!.AsObject().ContainsKey("expiration_timestamp").ShouldBeFalse();
        posts.First(p => p.StatusName == "read").Status.ContainsKey("pricing").ShouldBeFalse();
    }

    [Fact]
    public async Task Statuses_follow_the_emulator_clock_when_spaced_out()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.StatusWebhookIntervalSeconds = 3600;

        var sentAt = world.State.Clock.GetUtcNow();
        var wamid = (await world.SendAsync(MessagingWorld.TemplateBody())).Json["messages"]![0]!["id"]!.GetValue<string>();
        (await world.Receiver.WaitForPostsAsync(1))[0].StatusName.ShouldBe("sent");
        await Poll.UntilAsync(() => world.State.WebhookDeliveries[0].State == WebhookDeliveryState.Delivered, "the sent status to be acknowledged");
        world.State.WebhookDeliveries.Where(d => d.MessageId == wamid).Select(d => d.State)
            .ShouldBe([WebhookDeliveryState.Delivered, WebhookDeliveryState.Scheduled, WebhookDeliveryState.Scheduled]);

        world.State.Clock.Advance(TimeSpan.FromHours(1));
        (await world.Receiver.WaitForPostsAsync(2))[1].StatusName.ShouldBe("delivered");
        world.State.Clock.Advance(TimeSpan.FromHours(1));
        var read = (await world.Receiver.WaitForPostsAsync(3))[2];

        read.StatusName.ShouldBe("read");
        long.Parse(read.Status["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThanOrEqualTo(sentAt.AddHours(2).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Statuses_can_be_limited_to_some()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.StatusWebhookSequence = ["sent", "read"];

        await world.SendAsync(MessagingWorld.TemplateBody());

        (await world.Receiver.WaitForPostsAsync(2)).Select(p => p.StatusName).ShouldBe(["sent", "read"]);
    }

    [Fact]
    public async Task Reorder_switch_reports_read_before_delivered_before_sent()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.ReorderStatusWebhooks = true;

        await world.SendAsync(MessagingWorld.TemplateBody());

        (await world.Receiver.WaitForPostsAsync(3)).Select(p => p.StatusName).ShouldBe(["read", "delivered", "sent"]);
    }

    [Fact]
    public async Task Duplicate_switch_sends_each_status_twice_byte_for_byte()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.DuplicateStatusWebhooks = true;

        await world.SendAsync(MessagingWorld.TemplateBody());

        var posts = await world.Receiver.WaitForPostsAsync(6);
        posts.Select(p => p.StatusName).ShouldBe(["sent", "sent", "delivered", "delivered", "read", "read"]);
        for (var i = 0; i < 6; i += 2)
        {
            posts[i].Body.ShouldBe(posts[i + 1].Body);
            posts[i].Signature256.ShouldBe(posts[i + 1].Signature256);
        }
    }

    [Fact]
    public async Task Drop_rate_of_one_drops_every_status()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.StatusWebhookDropRate = 1;

        var wamid = (await world.SendAsync(MessagingWorld.TemplateBody())).Json["messages"]![0]!["id"]!.GetValue<string>();

        var deliveries = world.State.WebhookDeliveries.Where(d => d.MessageId == wamid).ToList();
        deliveries.Count.ShouldBe(3);
        deliveries.ShouldAllBe(d => d.State == WebhookDeliveryState.Dropped && d.Attempts == 0);
    }

    [Fact]
    public async Task Biz_opaque_callback_data_is_echoed_in_statuses()
    {
        await using var world = await MessagingWorld.StartAsync();
        var body = MessagingWorld.TemplateBody();
        body["biz_opaque_callback_data"] = "order-42";

        await world.SendAsync(body);

        (await world.Receiver.WaitForPostsAsync(3)).ShouldAllBe(p => p.Status["biz_opaque_callback_data"]!.GetValue<string>() == "order-42");
    }

    [Fact]
    public async Task Override_callback_uri_of_the_subscription_wins_over_the_app_callback()
    {
        await using var world = await MessagingWorld.StartAsync(configureCallback: false);
        await using var other = await WebhookReceiver.StartAsync(world.Sample.AppSecret);
        world.State.SetWebhookCallback(world.Sample.AppId, world.Receiver.Url);
        var subscribe = await world.Emulator.PostJsonAsync(
            $"v25.0/{world.Sample.WabaId}/subscribed_apps",
            new JsonObject { ["override_callback_uri"] = other.Url.ToString(), ["verify_token"] = "x" }.ToJsonString(),
            world.Sample.SystemUserToken);
        subscribe.Status.ShouldBe(HttpStatusCode.OK);

        await world.SendAsync(MessagingWorld.TemplateBody());

        (await other.WaitForPostsAsync(3)).ShouldAllBe(p => p.SignatureValid);
        world.State.WebhookDeliveries.ShouldAllBe(d => d.CallbackUrl == other.Url.ToString());
    }

    [Fact]
    public async Task No_callback_url_means_no_deliveries()
    {
        await using var world = await MessagingWorld.StartAsync(configureCallback: false);

        (await world.SendAsync(MessagingWorld.TemplateBody())).Status.ShouldBe(HttpStatusCode.OK);

        world.State.WebhookDeliveries.ShouldBeEmpty();
    }
}
