using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class SendPageTests(DashboardFixture fixture)
{
    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task A_test_message_goes_to_the_emulator_with_the_managed_token_and_its_answer_is_shown()
    {
        var s = Server.Emulator.Sample;
        var page = await fixture.SignedInPageAsync();
        await page.Locator("article[data-token=forever]").GetByRole(AriaRole.Link, new() { Name = "Send a test" }).ClickAsync();
        (await page.InputValueAsync("#send-token")).ShouldBe("forever");
        await page.FillAsync("#send-to", "15551234567");
        await page.FillAsync("#send-text", "Hello from the browser test");
        var since = Server.Emulator.Calls.Count;
        await page.ClickAsync("form.grid-form button[type=submit]");

        var answer = page.GetByTestId("answer");
        await Expect(answer).ToBeVisibleAsync();
        // The emulator records a call just after answering it: wait for the record with a deadline.
        Evertoken.Emulator.RecordedCall? send = null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (send is null && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            send = Server.Emulator.Calls.Skip(since).SingleOrDefault(c => c.Method == "POST" && c.Path.EndsWith($"/{s.PhoneNumberId}/messages", StringComparison.Ordinal));
            if (send is null)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }

        send.ShouldNotBeNull("the send reached the emulator");

        // The emulator keeps only fingerprints of the tokens it sees.
        send.Token.ShouldBe(Evertoken.Tokens.TokenFingerprint.Of(s.SystemUserToken));

        // The emulator's answer as it gave it: accepted with a wamid, or its error.
        var accepted = send.Status is >= 200 and < 300;
        await Expect(answer.Locator(".notice .word")).ToHaveTextAsync(accepted ? "Accepted." : "Refused.");
        if (!accepted)
        {
            await Expect(answer.GetByTestId("http-status")).ToHaveTextAsync(send.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        var json = await answer.GetByTestId("answer-json").TextContentAsync();
        var wamid = System.Text.Json.JsonDocument.Parse(json!).RootElement.GetProperty("messages")[0].GetProperty("id").GetString()!;
        await Expect(answer).ToContainTextAsync(wamid);
        var statuses = page.GetByTestId("statuses");
        await Expect(statuses).ToContainTextAsync("waiting for statuses");

        // A status webhook for that wamid reaches the inbox: the page shows it as it arrives.
        await Server.PostWebhookFixtureAsync("webhook.status.read.json", json => ReplaceWamid(json, wamid));
        await Expect(statuses.Locator("li .badge")).ToContainTextAsync(["read"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_bad_recipient_is_refused_before_anything_is_sent()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(Server.Url("/send?token=forever").ToString());
        await page.FillAsync("#send-to", "not a number");
        var since = Server.Emulator.Calls.Count;
        await page.ClickAsync("form.grid-form button[type=submit]");
        await Expect(page.GetByTestId("send-problems")).ToContainTextAsync("recipient");
        Server.Emulator.Calls.Skip(since).ShouldNotContain(c => c.Path.EndsWith("/messages", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    private static string ReplaceWamid(string json, string wamid)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["entry"]![0]!["changes"]![0]!["value"]!["statuses"]![0]!["id"] = wamid;
        return node.ToJsonString();
    }
}
