using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.IntegrationTests.Emulator;

namespace Evertoken.IntegrationTests.EmulatorMessaging;

/// <summary>An emulator on loopback with a webhook receiver set as the sample app's callback URL, for one test.</summary>
internal sealed class MessagingWorld : IAsyncDisposable
{
    public const string User = "15550001111";

    private MessagingWorld(TestEmulator emulator, WebhookReceiver receiver)
    {
        Emulator = emulator;
        Receiver = receiver;
    }

    public TestEmulator Emulator { get; }

    public WebhookReceiver Receiver { get; }

    public SampleWorld Sample => Emulator.Sample;

    public EmulatorState State => Emulator.State;

    public EmulatorSettings Settings => Emulator.State.Settings;

    public string MessagesPath => $"v25.0/{Sample.PhoneNumberId}/messages";

    /// <summary>Starts both and points the sample app's webhooks at the receiver (no handshake).</summary>
    public static async Task<MessagingWorld> StartAsync(EmulatorOptions? options = null, bool configureCallback = true)
    {
        var emulator = await TestEmulator.StartAsync(options);
        var receiver = await WebhookReceiver.StartAsync(emulator.Sample.AppSecret, verifyToken: "let-me-in");
        if (configureCallback)
        {
            emulator.State.SetWebhookCallback(emulator.Sample.AppId, receiver.Url);
        }

        // Fast retries keep failing-receiver tests short.
        emulator.State.Settings.WebhookRetryInitialDelaySeconds = 0.05;
        return new MessagingWorld(emulator, receiver);
    }

    public Task<GraphResponse> SendAsync(JsonNode body, string? token = null) =>
        Emulator.PostJsonAsync(MessagesPath, body.ToJsonString(), token ?? Sample.SystemUserToken);

    public Task<GraphResponse> SendTextAsync(string to = User, string text = "hello") =>
        SendAsync(TextBody(to, text));

    /// <summary>A user writes in through the control API; returns its answer ({wamid, delivery_id, delivery_ids}).</summary>
    public async Task<JsonObject> InboundAsync(object body) => (await Emulator.ControlAsync(HttpMethod.Post, "inbound", body)).AsObject();

    public Task<JsonObject> InboundTextAsync(string from = User, string text = "hi") => InboundAsync(new { from, text });

    public async Task<JsonArray> DeliveriesAsync(string? query = null) =>
        (await Emulator.ControlAsync(HttpMethod.Get, "webhooks/deliveries" + query)).AsArray();

    public static JsonObject TextBody(string to = User, string text = "hello") => new()
    {
        ["messaging_product"] = "whatsapp",
        ["recipient_type"] = "individual",
        ["to"] = to,
        ["type"] = "text",
        ["text"] = new JsonObject { ["body"] = text },
    };

    public static JsonObject TemplateBody(string to = User) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["to"] = to,
        ["type"] = "template",
        ["template"] = new JsonObject { ["name"] = "hello_world", ["language"] = new JsonObject { ["code"] = "en_US" } },
    };

    /// <summary>A request fixture with its Postman-style placeholder links replaced by real URLs (fixtures README).</summary>
    public static JsonObject RequestFixture(string name)
    {
        var body = Fixture.Load($"whatsapp/{name}");
        ReplacePlaceholderLinks(body);
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    private static void ReplacePlaceholderLinks(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (key == "link" && obj[key] is JsonValue)
                    {
                        obj[key] = "https://example.com/media/sample.bin";
                    }
                    else
                    {
                        ReplacePlaceholderLinks(obj[key]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    ReplacePlaceholderLinks(item);
                }

                break;
        }
    }
}
