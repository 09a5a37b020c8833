using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.IntegrationTests.Sinks;
using Evertoken.Sinks;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Evertoken.IntegrationTests.WhatsApp;

/// <summary>
/// End to end against the emulator's own messaging (built on another branch): a send through <c>/v1/messages</c>
/// reaches the emulator, its signed status webhooks (sent, delivered, read) come back to <c>/webhooks/whatsapp</c>,
/// are verified, stored, deduplicated when redelivered and relayed to a receiver that checks both signatures. Uses
/// the emulator API as specified (<c>POST /_emulator/webhooks {callback_url}</c>, <c>POST /_emulator/inbound</c>);
/// skipped while the emulator in this tree does not have it.
/// </summary>
public sealed class EmulatorMessagingEndToEndTests : IAsyncLifetime
{
    private const string RelaySecret = "e2e-relay-secret";
    private const string ReceiverMetaSecret = "e2e-receiver-app-secret";

    private readonly ConcurrentQueue<(byte[] Body, string Timestamp, string Signature, string MetaSignature)> _relayed = new();
    private EmulatorHost _emulator = null!;
    private LoopbackApp _receiver = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(null, Ct);
        _receiver = await LoopbackApp.StartAsync(app => app.MapPost("/hook", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            _relayed.Enqueue((buffer.ToArray(), http.Request.Headers[WebhookSinkSignature.TimestampHeader].ToString(),
                http.Request.Headers[WebhookSinkSignature.SignatureHeader].ToString(), http.Request.Headers[WebhookSignature.HeaderName].ToString()));
            return Results.Ok();
        }));
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_send_comes_back_as_signed_statuses_that_are_stored_once_and_relayed_with_our_signatures()
    {
        var sample = _emulator.Sample;
        await using var server = await EvertokenTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Graph:BaseUrl"] = _emulator.BaseUrl.ToString(),
            ["Tokens:0:Name"] = "main",
            ["Tokens:0:Token"] = sample.SystemUserToken,
            ["Tokens:0:AppId"] = sample.AppId,
            ["Tokens:0:AppSecret"] = sample.AppSecret,
            ["Tokens:0:PhoneNumberId"] = sample.PhoneNumberId,
            ["Webhooks:AppSecrets:0"] = sample.AppSecret,
            ["Webhooks:Relay:0:Name"] = "app",
            ["Webhooks:Relay:0:Url"] = new Uri(_receiver.BaseAddress, "hook").ToString(),
            ["Webhooks:Relay:0:Secret"] = RelaySecret,
            ["Webhooks:Relay:0:MetaSecret"] = ReceiverMetaSecret,
        });
        using var control = new HttpClient { BaseAddress = _emulator.BaseUrl };
        using var setCallback = await control.PostAsJsonAsync("_emulator/webhooks", new { callback_url = new Uri(server.BaseAddress, "webhooks/whatsapp").ToString() }, Ct);
        if (setCallback.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            Assert.Skip("The emulator in this tree has no messaging yet (POST /_emulator/webhooks); it comes with the emumsg branch.");
        }

        setCallback.IsSuccessStatusCode.ShouldBeTrue($"{(int)setCallback.StatusCode} {await setCallback.Content.ReadAsStringAsync(Ct)}");

        // The user writes first, which opens the 24 h window and arrives as an inbound message webhook.
        using var inbound = await control.PostAsJsonAsync("_emulator/inbound", new { from = "15550001111", type = "text", text = "Is my table ready?" }, Ct);
        inbound.IsSuccessStatusCode.ShouldBeTrue(await inbound.Content.ReadAsStringAsync(Ct));
        var message = await EventuallyAsync(server, "kind=message", events => events.Count > 0);
        message[0]["event"]!["from"]!.GetValue<string>().ShouldBe("15550001111");

        using var send = await server.Admin.PostAsJsonAsync("v1/messages", new { to = "15550001111", text = "Yes, come in!" }, Ct);
        var sent = JsonNode.Parse(await send.Content.ReadAsStringAsync(Ct))!;
        send.StatusCode.ShouldBe(HttpStatusCode.OK, sent.ToJsonString());
        var wamid = sent["wamid"]!.GetValue<string>();

        var statuses = await EventuallyAsync(server, "wamid=" + Uri.EscapeDataString(wamid), events => events.Count >= 3);
        statuses.Select(e => e["event"]!["status"]!.GetValue<string>()).Order().ShouldBe(["delivered", "read", "sent"]);

        // Meta may deliver a webhook again: a redelivery is acknowledged and counted, never stored twice.
        var payload = await server.GetJsonAsync($"v1/webhooks/payloads/{statuses[0]["payload_id"]}");
        var raw = System.Text.Encoding.UTF8.GetBytes(payload["body"]!.ToJsonString());
        (await server.PostWebhookAsync(raw, sample.AppSecret)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = await server.AllEventsAsync("&wamid=" + Uri.EscapeDataString(wamid));
        after.Count.ShouldBe(3);
        after.Sum(e => e["duplicate_count"]!.GetValue<int>()).ShouldBe(1);

        // Every stored payload reaches the app's endpoint, signed by us and re-signed in Meta's format.
        var watch = Stopwatch.StartNew();
        while (_relayed.Count(r => System.Text.Encoding.UTF8.GetString(r.Body).Contains(wamid, StringComparison.Ordinal)) < 3)
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), "the statuses were not relayed");
            await Task.Delay(50, Ct);
        }

        foreach (var relayed in _relayed)
        {
            WebhookSinkSignature.Verify(RelaySecret, relayed.Timestamp, relayed.Signature, relayed.Body, _emulator.Clock.GetUtcNow()).ShouldBeTrue();
            WebhookSignature.Verify(relayed.Body, relayed.MetaSignature, ReceiverMetaSecret).ShouldBeTrue();
        }
    }

    private static async Task<List<JsonObject>> EventuallyAsync(EvertokenTestServer server, string filter, Func<List<JsonObject>, bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var events = await server.AllEventsAsync("&" + filter);
            if (done(events))
            {
                return events;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60), $"no matching events for {filter}");
            await Task.Delay(50, Ct);
        }
    }
}
