using System.Net;
using Evertoken.IntegrationTests.Emulator;

namespace Evertoken.IntegrationTests.EmulatorMessaging;

public class CustomerServiceWindowTests
{
    [Fact]
    public async Task Free_form_message_without_an_inbound_message_is_accepted_then_fails_with_131047()
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.SendTextAsync();

        response.Status.ShouldBe(HttpStatusCode.OK);
        var wamid = response.Json["messages"]![0]!["id"]!.GetValue<string>();
        var post = (await world.Receiver.WaitForPostsAsync(1)).ShouldHaveSingleItem();
        post.SignatureValid.ShouldBeTrue();
        post.Json.ShouldHaveSameShape(Fixture.Load("whatsapp/webhook.status.failed-131047.json"));
        post.Status["id"]!.GetValue<string>().ShouldBe(wamid);
        post.StatusName.ShouldBe("failed");
        post.Status["recipient_id"]!.GetValue<string>().ShouldBe(MessagingWorld.User);
        var error = post.Status["errors"]![0]!;
        error["code"]!.GetValue<int>().ShouldBe(131047);
        error["title"]!.GetValue<string>().ShouldBe("Re-engagement message");
        error["error_data"]!["details"]!.GetValue<string>().ShouldContain("more than 24 hours");

        // Only the failure is reported: no sent/delivered/read for this message.
        world.State.WebhookDeliveries.Where(d => d.MessageId == wamid).Select(d => d.Detail).ShouldBe(["failed"]);
    }

    [Fact]
    public async Task Synchronous_setting_answers_131047_as_an_error()
    {
        await using var world = await MessagingWorld.StartAsync();
        await world.Emulator.ControlAsync(HttpMethod.Post, "settings", new { re_engagement_error_synchronous = true });

        var response = await world.SendTextAsync();

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 131047, "(#131047) Re-engagement message");
        response.Json.ShouldHaveSameShape(Fixture.Load("whatsapp/error.send.131047-re-engagement.json"));
        world.State.WebhookDeliveries.ShouldBeEmpty();
    }

    [Fact]
    public async Task After_an_inbound_message_a_text_is_sent_delivered_and_read()
    {
        await using var world = await MessagingWorld.StartAsync();
        await world.InboundTextAsync();
        await world.Receiver.WaitForPostsAsync(1);

        var response = await world.SendTextAsync();

        var wamid = response.Json["messages"]![0]!["id"]!.GetValue<string>();
        var posts = await world.Receiver.WaitForPostsAsync(4);
        posts.Skip(1).Select(p => p.StatusName).ShouldBe(["sent", "delivered", "read"]);
        posts.Skip(1).ShouldAllBe(p => p.SignatureValid && p.Status["id"]!.GetValue<string>() == wamid);
    }

    [Fact]
    public async Task Window_closes_24_hours_after_the_last_inbound_message()
    {
        await using var world = await MessagingWorld.StartAsync();
        await world.InboundTextAsync();
        world.State.LastInboundAt(world.Sample.PhoneNumberId, MessagingWorld.User).ShouldNotBeNull();
        world.State.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));

        await world.SendTextAsync();

        await Poll.UntilAsync(() => world.Receiver.Posts.Any(p => p.Value["statuses"] is not null), "a status webhook");
        world.Receiver.Posts.Single(p => p.Value["statuses"] is not null).StatusName.ShouldBe("failed");
    }

    [Fact]
    public async Task Template_needs_no_window()
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.SendAsync(MessagingWorld.TemplateBody());

        response.Status.ShouldBe(HttpStatusCode.OK);
        (await world.Receiver.WaitForPostsAsync(3)).Select(p => p.StatusName).ShouldBe(["sent", "delivered", "read"]);
    }

    [Fact]
    public async Task Window_is_per_user()
    {
        await using var world = await MessagingWorld.StartAsync();
        await world.InboundTextAsync(from: "15550002222");
        await world.Receiver.WaitForPostsAsync(1);

        await world.SendTextAsync(to: MessagingWorld.User);

        (await world.Receiver.WaitForPostsAsync(2))[1].StatusName.ShouldBe("failed");
    }
}
