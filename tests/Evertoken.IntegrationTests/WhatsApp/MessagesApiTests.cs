using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.Graph;
using Evertoken.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.IntegrationTests.WhatsApp;

public sealed class MessagesApiTests : IAsyncLifetime
{
    private readonly StandInMessages _messages = new();
    private EmulatorHost _emulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SampleWorld Sample => _emulator.Sample;

    public async ValueTask InitializeAsync() =>
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { ConfigureEndpoints = _messages.Map }, Ct);

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    private Task<EvertokenTestServer> StartServerAsync(Dictionary<string, string?>? extra = null, TimeProvider? time = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Graph:BaseUrl"] = _emulator.BaseUrl.ToString(),
            ["Graph:Version"] = StandInMessages.Version,
            ["Tokens:0:Name"] = "main",
            ["Tokens:0:Token"] = Sample.UserToken60Days,
            ["Tokens:0:AppId"] = Sample.AppId,
            ["Tokens:0:AppSecret"] = Sample.AppSecret,
            ["Tokens:0:PhoneNumberId"] = Sample.PhoneNumberId,
        };
        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value;
        }

        return EvertokenTestServer.StartAsync(config, time ?? _emulator.Clock);
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string json, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject(), response);
    }

    [Fact]
    public async Task The_text_shortcut_is_sent_with_the_managed_token_and_its_proof_and_answers_the_wamid()
    {
        await using var server = await StartServerAsync();

        var (status, body, _) = await PostAsync(server.Admin, """{"to":"+15550001111","text":"Your table is ready"}""");

        status.ShouldBe(HttpStatusCode.OK, body.ToJsonString());
        body["wamid"]!.GetValue<string>().ShouldStartWith("wamid.STANDIN");
        body["wa_id"]!.GetValue<string>().ShouldBe("15550001111");
        var call = _messages.Calls.ShouldHaveSingleItem();
        call.PhoneNumberId.ShouldBe(Sample.PhoneNumberId);
        call.Token.ShouldBe(Sample.UserToken60Days);
        call.Proof.ShouldBe(AppSecretProof.Compute(Sample.AppSecret, Sample.UserToken60Days));
        JsonNode.DeepEquals(call.Body, JsonNode.Parse("""
            {"messaging_product":"whatsapp","recipient_type":"individual","to":"+15550001111","type":"text","text":{"body":"Your table is ready","preview_url":false}}
            """)).ShouldBeTrue(call.Body!.ToJsonString());
    }

    [Fact]
    public async Task Meta_json_pasted_from_the_docs_is_sent_as_is()
    {
        await using var server = await StartServerAsync();
        var fixture = File.ReadAllText(Path.Combine(WebhookFixtures.Folder, "request.send-interactive-buttons.json"));

        var (status, body, _) = await PostAsync(server.Admin, fixture);

        status.ShouldBe(HttpStatusCode.OK, body.ToJsonString());
        var sent = _messages.Calls.ShouldHaveSingleItem().Body!;
        sent["interactive"]!["action"]!["buttons"]!.AsArray().Count.ShouldBe(JsonNode.Parse(fixture)!["interactive"]!["action"]!["buttons"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_template_shortcut_sends_a_template_with_its_body_parameters()
    {
        await using var server = await StartServerAsync();

        var (status, _, _) = await PostAsync(server.Admin, """{"to":"15550001111","template":"order_shipped","language":"en_US","parameters":["Ana","#42"]}""");

        status.ShouldBe(HttpStatusCode.OK);
        var template = _messages.Calls.ShouldHaveSingleItem().Body!["template"]!;
        template["name"]!.GetValue<string>().ShouldBe("order_shipped");
        template["language"]!["code"]!.GetValue<string>().ShouldBe("en_US");
        template["components"]![0]!["parameters"]!.AsArray().Select(p => p!["text"]!.GetValue<string>()).ShouldBe(["Ana", "#42"]);
    }

    [Fact]
    public async Task An_invalid_request_is_a_validation_problem_listing_every_problem_and_nothing_is_sent()
    {
        await using var server = await StartServerAsync();

        var (status, body, _) = await PostAsync(server.Admin, """{"text":"hi","token":"nope","phone_number_id":"+1 555 0100"}""");

        status.ShouldBe(HttpStatusCode.BadRequest);
        body["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["to", "token", "phone_number_id"], ignoreOrder: true);
        _messages.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_190_from_Meta_refreshes_the_token_once_and_the_retry_succeeds()
    {
        await using var server = await StartServerAsync();
        _messages.NextAnswers.Enqueue((401, File.ReadAllText(Path.Combine(WebhookFixtures.Folder, "error.graph.401-expired-token.json"))));

        var (status, body, _) = await PostAsync(server.Admin, """{"to":"15550001111","text":"hello again"}""");

        status.ShouldBe(HttpStatusCode.OK, body.ToJsonString());
        var calls = _messages.Calls.ToList();
        calls.Count.ShouldBe(2);
        calls[0].Token.ShouldBe(Sample.UserToken60Days);
        calls[1].Token.ShouldNotBe(Sample.UserToken60Days);
        _emulator.State.FindToken(calls[1].Token!).ShouldNotBeNull();
        var store = server.Services.GetRequiredService<ITokenStore>();
        (await store.GetTokenAsync("main", Ct))!.Current.Number.ShouldBe(2);
        (await store.GetTokenAsync("main", Ct))!.Current.Data.Value.ShouldBe(calls[1].Token);
    }

    [Theory]
    [InlineData("error.send.131047-re-engagement.json", 400, 422, "OutsideCustomerServiceWindow")]
    [InlineData("error.send.130429-throughput.json", 400, 429, "ThroughputLimited")]
    [InlineData("error.send.131030-not-in-allowed-list.json", 400, 422, "InvalidRecipient")]
    [InlineData("error.send.131056-pair-rate-limit.json", 400, 429, "PairRateLimited")]
    public async Task Meta_errors_become_problem_details_with_a_mapped_status_and_the_meta_fields(string fixture, int metaStatus, int ourStatus, string kind)
    {
        await using var server = await StartServerAsync();
        var error = JsonNode.Parse(File.ReadAllText(Path.Combine(WebhookFixtures.Folder, fixture)))!["error"]!;
        _messages.NextAnswers.Enqueue((metaStatus, File.ReadAllText(Path.Combine(WebhookFixtures.Folder, fixture))));

        var (status, body, _) = await PostAsync(server.Admin, """{"to":"15550001111","text":"hi"}""");

        ((int)status).ShouldBe(ourStatus, body.ToJsonString());
        body["whatsapp_kind"]!.GetValue<string>().ShouldBe(kind);
        body["code"]!.GetValue<int>().ShouldBe(error["code"]!.GetValue<int>());
        body["fbtrace_id"]!.GetValue<string>().ShouldBe(error["fbtrace_id"]!.GetValue<string>());
        if (error["error_data"]?["details"] is { } details)
        {
            body["details"]!.GetValue<string>().ShouldBe(details.GetValue<string>());
        }

        _messages.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_meta_outage_is_a_502_and_never_reported_as_sent()
    {
        await using var server = await StartServerAsync();
        _messages.NextAnswers.Enqueue((500, """{"error":{"message":"(#131000) Something went wrong","type":"OAuthException","code":131000,"fbtrace_id":"Atrace"}}"""));

        var (status, body, _) = await PostAsync(server.Admin, """{"to":"15550001111","text":"hi"}""");

        status.ShouldBe(HttpStatusCode.BadGateway);
        body["whatsapp_kind"]!.GetValue<string>().ShouldBe("Transient");
        body.ContainsKey("wamid").ShouldBeFalse();
    }

    [Fact]
    public async Task Over_the_per_number_throughput_we_answer_429_with_retry_after_before_Meta_does()
    {
        // A clock that never moves: the bucket never refills, so the limit is exact.
        var frozen = new FakeTimeProvider(_emulator.Clock.GetUtcNow());
        await using var server = await StartServerAsync(new Dictionary<string, string?>
        {
            ["Messaging:MessagesPerSecond"] = "2",
            ["Messaging:MaxQueueDelay"] = "00:00:00",
        }, frozen);

        var results = new List<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await PostAsync(server.Admin, $$"""{"to":"15550001111","text":"burst {{i}}"}"""));
        }

        results.Select(r => r.Status).ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]);
        results[2].Response.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        _messages.Calls.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Client_keys_need_send_and_the_token_and_a_single_token_key_needs_no_token_field()
    {
        await using var server = await StartServerAsync();
        var sender = await server.CreateClientKeyAsync(["send"], ["main"]);
        var proxyOnly = await server.CreateClientKeyAsync(["proxy"], ["main"]);
        var otherToken = await server.CreateClientKeyAsync(["send"], ["other"]);

        (await PostAsync(server.Anonymous, """{"to":"15550001111","text":"a"}""", sender)).Status.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(server.Anonymous, """{"to":"15550001111","text":"b"}""", proxyOnly)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(server.Anonymous, """{"to":"15550001111","text":"c","token":"main"}""", otherToken)).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(server.Anonymous, """{"to":"15550001111","text":"d"}""")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        _messages.Calls.Count.ShouldBe(1);
    }
}
