using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Emulator;

/// <summary>A running emulator on loopback plus a plain HttpClient pointed at it, one per test.</summary>
internal sealed class TestEmulator : IAsyncDisposable
{
    private TestEmulator(EmulatorHost host)
    {
        Host = host;
        Http = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public EmulatorHost Host { get; }

    public HttpClient Http { get; }

    public SampleWorld Sample => Host.Sample;

    public EmulatorState State => Host.State;

    public static async Task<TestEmulator> StartAsync(EmulatorOptions? options = null) =>
        new(await EmulatorHost.StartAsync(options, TestContext.Current.CancellationToken));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    public Task<GraphResponse> GetAsync(string pathAndQuery, string? bearer = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, pathAndQuery), bearer);

    public Task<GraphResponse> DeleteAsync(string pathAndQuery, string? bearer = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, pathAndQuery), bearer);

    public Task<GraphResponse> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form, string? bearer = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) }, bearer);

    public Task<GraphResponse> PostJsonAsync(string path, object body, string? bearer = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent(body) }, bearer);

    public async Task<GraphResponse> SendAsync(HttpRequestMessage message, string? bearer = null)
    {
        if (bearer is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using (message)
        {
            using var response = await Http.SendAsync(message, TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return new GraphResponse(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers, response.Content.Headers);
        }
    }

    /// <summary>Calls the control API and returns its JSON.</summary>
    public async Task<JsonNode> ControlAsync(HttpMethod method, string path, object? body = null)
    {
        using var message = new HttpRequestMessage(method, "_emulator/" + path);
        if (body is not null)
        {
            message.Content = JsonContent(body);
        }

        using var response = await Http.SendAsync(message, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.IsSuccessStatusCode.ShouldBeTrue($"control call {method} {path} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public static string Q(string value) => Uri.EscapeDataString(value);

    /// <summary>Classic appsecret_proof, computed here independently of the library.</summary>
    public static string Proof(string secret, string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(token)));

    private static StringContent JsonContent(object body) =>
        new(body as string ?? System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}

/// <summary>What came back: status, parsed body and headers.</summary>
internal sealed record GraphResponse(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders)
{
    public JsonObject Json => Body.ShouldBeOfType<JsonObject>();

    public JsonObject Data => Json["data"].ShouldBeOfType<JsonObject>();

    public JsonObject Error => Json["error"].ShouldBeOfType<JsonObject>();

    /// <summary>Asserts a Graph error envelope with the code, optional subcode and message, and returns it.</summary>
    public JsonObject ShouldBeGraphError(HttpStatusCode status, int code, string? message = null, int? subcode = null, string type = "OAuthException")
    {
        Status.ShouldBe(status, Body?.ToJsonString());
        var error = Error;
        error["code"]!.GetValue<int>().ShouldBe(code);
        error["type"]!.GetValue<string>().ShouldBe(type);
        if (message is not null)
        {
            error["message"]!.GetValue<string>().ShouldBe(message);
        }

        if (subcode is null)
        {
            error.ContainsKey("error_subcode").ShouldBeFalse();
        }
        else
        {
            error["error_subcode"]!.GetValue<int>().ShouldBe(subcode.Value);
        }

        error["fbtrace_id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        Headers.GetValues("x-fb-trace-id").Single().ShouldBe(error["fbtrace_id"]!.GetValue<string>());
        return error;
    }
}
