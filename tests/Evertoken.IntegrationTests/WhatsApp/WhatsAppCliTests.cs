using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.IntegrationTests.Sinks;
using Evertoken.Server.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Evertoken.IntegrationTests.WhatsApp;

public sealed class WhatsAppCliTests : IAsyncLifetime
{
    private readonly StandInMessages _messages = new();
    private readonly string _masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private EmulatorHost _emulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { ConfigureEndpoints = _messages.Map }, Ct);

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    private Task<EvertokenTestServer> StartServerAsync(Dictionary<string, string?>? extra = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["MasterKey:Key"] = _masterKey,
            ["Graph:BaseUrl"] = _emulator.BaseUrl.ToString(),
            ["Graph:Version"] = StandInMessages.Version,
            ["Tokens:0:Name"] = "main",
            ["Tokens:0:Token"] = _emulator.Sample.SystemUserToken,
            ["Tokens:0:AppId"] = _emulator.Sample.AppId,
            ["Tokens:0:AppSecret"] = _emulator.Sample.AppSecret,
            ["Tokens:0:PhoneNumberId"] = _emulator.Sample.PhoneNumberId,
        };
        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value;
        }

        return EvertokenTestServer.StartAsync(config);
    }

    private static async Task<(int Exit, string Out, string Error)> RunAsync(Dictionary<string, string> env, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost
        {
            Out = output,
            Error = error,
            Environment = env,
            WorkingDirectory = Path.GetTempPath(),
        };
        var exit = await EvertokenCli.RunAsync(args, host, Ct);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Send_through_a_running_server_prints_the_wamid()
    {
        await using var server = await StartServerAsync();
        var key = await server.CreateClientKeyAsync(["send"], ["main"]);

        var (exit, output, error) = await RunAsync(new() { ["EVERTOKEN_CLIENT_KEY"] = key },
            "send", "--server", server.BaseAddress.ToString(), "--to", "+15550001111", "--template", "order_shipped", "--param", "Ana", "--param", "#42", "--json");

        exit.ShouldBe(0, error);
        JsonNode.Parse(output)!["wamid"]!.GetValue<string>().ShouldStartWith("wamid.STANDIN");
        var template = _messages.Calls.ShouldHaveSingleItem().Body!["template"]!;
        template["components"]![0]!["parameters"]!.AsArray().Select(p => p!["text"]!.GetValue<string>()).ShouldBe(["Ana", "#42"]);
    }

    [Fact]
    public async Task Send_reports_a_refusal_with_its_own_exit_code()
    {
        await using var server = await StartServerAsync();
        var key = await server.CreateClientKeyAsync(["send"], ["main"]);
        _messages.NextAnswers.Enqueue((400, File.ReadAllText(Path.Combine(WebhookFixtures.Folder, "error.send.131047-re-engagement.json"))));

        var (exit, _, error) = await RunAsync(new() { ["EVERTOKEN_CLIENT_KEY"] = key },
            "send", "--server", server.BaseAddress.ToString(), "--to", "15550001111", "--text", "late reply");

        exit.ShouldBe(Evertoken.Server.Commands.SendCommand.SendRefused);
        error.ShouldContain("422");
    }

    [Fact]
    public async Task Send_directly_with_a_token_of_the_local_store()
    {
        string folder;
        await using (var server = await StartServerAsync())
        {
            folder = server.DataFolder;
            var (exit, output, error) = await RunAsync(new() { ["EVERTOKEN_MASTER_KEY"] = _masterKey },
                "send", "--token", "main", "--to", "15550001111", "--text", "straight from the CLI",
                "--data-dir", folder, "--graph-url", _emulator.BaseUrl.ToString(), "--graph-version", StandInMessages.Version);

            exit.ShouldBe(0, error);
            output.ShouldContain("wamid.STANDIN");
        }

        var call = _messages.Calls.ShouldHaveSingleItem();
        call.Token.ShouldBe(_emulator.Sample.SystemUserToken);
        call.Body!["text"]!["body"]!.GetValue<string>().ShouldBe("straight from the CLI");
    }

    [Fact]
    public async Task Send_without_a_message_or_a_destination_is_a_usage_error()
    {
        (await RunAsync([], "send", "--to", "1555", "--text", "a", "--template", "b", "--token", "x")).Exit.ShouldBe(1);
        (await RunAsync([], "send", "--to", "1555", "--text", "a")).Exit.ShouldBe(1);
    }

    [Fact]
    public async Task Webhooks_tail_prints_stored_events_as_json_lines()
    {
        await using var server = await StartServerAsync();
        (await server.PostWebhookAsync(WebhookFixtures.Bytes("webhook.message.text-message.json"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.PostWebhookAsync(WebhookFixtures.Bytes("webhook.status.read.json"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var (exit, output, error) = await RunAsync(new() { ["EVERTOKEN_ADMIN_KEY"] = EvertokenTestServer.AdminKey },
            "webhooks", "tail", "--server", server.BaseAddress.ToString(), "--after", "0", "--count", "2", "--json");

        exit.ShouldBe(0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        lines.Select(l => l["event"]!["kind"]!.GetValue<string>()).ShouldBe(["Message", "Status"]);
    }

    [Fact]
    public async Task Webhooks_tail_in_text_shows_the_sender_and_the_message_preview()
    {
        await using var server = await StartServerAsync();
        (await server.PostWebhookAsync(WebhookFixtures.Bytes("webhook.message.text-message.json"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = WebhookFixtures.Node("webhook.message.text-message.json")["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!["text"]!["body"]!.GetValue<string>();

        var (exit, output, error) = await RunAsync(new() { ["EVERTOKEN_ADMIN_KEY"] = EvertokenTestServer.AdminKey },
            "webhooks", "tail", "--server", server.BaseAddress.ToString(), "--after", "0", "--count", "1");

        exit.ShouldBe(0, error);
        output.ShouldContain("message");
        output.ShouldContain(body.Split('\n')[0][..Math.Min(20, body.Length)]);
    }

    [Fact]
    public async Task Webhooks_replay_queues_the_payload_for_the_relay_again()
    {
        await using var receiver = await LoopbackApp.StartAsync(app => app.MapPost("/hook", () => Results.Ok()));
        await using var server = await StartServerAsync(new()
        {
            ["Webhooks:Relay:0:Name"] = "app",
            ["Webhooks:Relay:0:Url"] = new Uri(receiver.BaseAddress, "hook").ToString(),
            ["Webhooks:Relay:0:Secret"] = "relay-secret",
        });
        (await server.PostWebhookAsync(WebhookFixtures.Bytes("webhook.message.text-message.json"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var env = new Dictionary<string, string> { ["EVERTOKEN_ADMIN_KEY"] = EvertokenTestServer.AdminKey };

        var (exit, output, error) = await RunAsync(env, "webhooks", "replay", "1", "--server", server.BaseAddress.ToString());
        var missing = await RunAsync(env, "webhooks", "replay", "99", "--server", server.BaseAddress.ToString());

        exit.ShouldBe(0, error);
        output.ShouldContain("Queued payload 1");
        missing.Exit.ShouldBe(2);
    }
}
