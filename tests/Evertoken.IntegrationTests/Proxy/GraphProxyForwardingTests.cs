using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Evertoken.Graph;
using Evertoken.IntegrationTests.Sinks;
using Evertoken.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Evertoken.IntegrationTests.Proxy;

/// <summary>The proxy forwards an app's Graph calls with the managed token and its appsecret_proof.</summary>
public sealed class GraphProxyForwardingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ProofFingerprint(ProxyTestHost host, string token) =>
        TokenFingerprint.Of(AppSecretProof.Compute(host.Sample.AppSecret, token));

    [Fact]
    public async Task A_GET_of_the_phone_number_reaches_the_emulator_with_the_managed_token_and_a_valid_proof()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var phone = host.Sample.PhoneNumberId;

        // The app requires appsecret_proof: the same call without one is refused, so a 200 below proves the proof.
        using (var direct = new HttpRequestMessage(HttpMethod.Get, new Uri(host.Emulator.BaseUrl, $"v25.0/{phone}")))
        {
            direct.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.FirstToken);
            using var refused = await new HttpClient().SendAsync(direct, Ct);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        var before = (await host.CallsToAsync($"/{phone}", 1)).Count;
        using var response = await host.ProxyAsync(HttpMethod.Get, $"v25.0/{phone}?fields=id,display_phone_number", key);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        ((string?)body["id"]).ShouldBe(phone);
        ((string?)body["display_phone_number"]).ShouldBe(host.Sample.DisplayPhoneNumber);
        response.Headers.Contains("x-fb-trace-id").ShouldBeTrue();

        var call = (await host.CallsToAsync($"/{phone}", before + 1)).Skip(before).ShouldHaveSingleItem();
        call.Status.ShouldBe(200);
        call.Version.ShouldBe("v25.0");
        call.Token.ShouldBe(TokenFingerprint.Of(host.FirstToken));
        call.TokenTransport.ShouldBe("bearer");
        call.Query["appsecret_proof"].ShouldBe(ProofFingerprint(host, host.FirstToken));
        call.Query["fields"].ShouldBe("id,display_phone_number");
    }

    [Fact]
    public async Task A_POST_to_subscribed_apps_reaches_the_emulator_with_its_form_body_the_managed_token_and_a_proof()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var waba = host.Sample.WabaId;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["override_callback_uri"] = "https://app.example/hooks/whatsapp",
            ["verify_token"] = "verify-me-123",
        });

        using var response = await host.ProxyAsync(HttpMethod.Post, $"v25.0/{waba}/subscribed_apps", key, form);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        ((bool?)body["success"]).ShouldBe(true);
        var call = (await host.CallsToAsync($"/{waba}/subscribed_apps", 1)).ShouldHaveSingleItem();
        call.Method.ShouldBe("POST");
        call.Status.ShouldBe(200);
        call.Token.ShouldBe(TokenFingerprint.Of(host.FirstToken));
        call.TokenTransport.ShouldBe("bearer");
        call.Query["appsecret_proof"].ShouldBe(ProofFingerprint(host, host.FirstToken));
        call.Form!["override_callback_uri"].ShouldBe("https://app.example/hooks/whatsapp");
        host.Emulator.State.FindWaba(waba)!.Subscriptions
            .ShouldContain(s => s.AppId == host.Sample.AppId && s.OverrideCallbackUri == "https://app.example/hooks/whatsapp");
    }

    [Fact]
    public async Task The_apps_own_access_token_and_proof_in_the_query_are_stripped_and_replaced()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var phone = host.Sample.PhoneNumberId;

        using var response = await host.ProxyAsync(HttpMethod.Get,
            $"v25.0/{phone}?access_token=EAAappsOwnOldToken0123456789&fields=id&appsecret_proof=deadbeef&appsecret_time=1", key);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var call = (await host.CallsToAsync($"/{phone}", 1)).ShouldHaveSingleItem();
        call.TokenTransport.ShouldBe("bearer");
        call.Token.ShouldBe(TokenFingerprint.Of(host.FirstToken));
        call.Query.Keys.Order().ShouldBe(["appsecret_proof", "fields"]);
        call.Query["appsecret_proof"].ShouldBe(ProofFingerprint(host, host.FirstToken));
        call.Query["fields"].ShouldBe("id");
    }

    [Fact]
    public async Task Usage_headers_pass_through_and_the_upstream_sees_its_own_host_and_only_the_managed_credentials()
    {
        var seen = new List<IHeaderDictionary>();
        var seenQueries = new List<IQueryCollection>();
        await using var upstream = await LoopbackApp.StartAsync(app => app.MapGet("/v25.0/{id}", (HttpContext http, string id) =>
        {
            lock (seen)
            {
                seen.Add(new HeaderDictionary(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value)));
                seenQueries.Add(http.Request.Query);
            }

            http.Response.Headers["x-app-usage"] = """{"call_count":12,"total_cputime":3,"total_time":4}""";
            http.Response.Headers["x-business-use-case-usage"] = """{"123":[{"type":"whatsapp","call_count":5}]}""";
            http.Response.Headers["x-fb-trace-id"] = "TraceFromUpstream";
            http.Response.Headers["www-authenticate"] = "OAuth \"Facebook Platform\" \"insufficient_scope\"";
            return Results.Json(new { id });
        }));
        await using var host = await ProxyTestHost.StartAsync(new Dictionary<string, string?> { ["Server:ProxyUpstream"] = upstream.BaseAddress.ToString() });
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);

        using var request = new HttpRequestMessage(HttpMethod.Get, "graph/v25.0/1234567890?fields=id");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("Cookie", "evertoken.session=admin-session");
        request.Headers.Add("X-Evertoken-Token", ProxyTestHost.TokenName);
        using var response = await host.Client.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("x-app-usage").ShouldHaveSingleItem().ShouldBe("""{"call_count":12,"total_cputime":3,"total_time":4}""");
        response.Headers.GetValues("x-business-use-case-usage").ShouldHaveSingleItem().ShouldContain("whatsapp");
        response.Headers.GetValues("x-fb-trace-id").ShouldHaveSingleItem().ShouldBe("TraceFromUpstream");
        response.Headers.WwwAuthenticate.ToString().ShouldContain("insufficient_scope");

        var headers = seen.ShouldHaveSingleItem();
        headers.Host.ToString().ShouldBe(upstream.BaseAddress.Authority);
        headers.Authorization.ToString().ShouldBe("Bearer " + host.FirstToken);
        headers.ContainsKey("Cookie").ShouldBeFalse();
        headers.ContainsKey("X-Evertoken-Token").ShouldBeFalse();
        seenQueries[0]["appsecret_proof"].ToString().ShouldBe(AppSecretProof.Compute(host.Sample.AppSecret, host.FirstToken));
    }

    [Fact]
    public async Task An_unreachable_upstream_gives_502_with_a_Graph_style_transient_error()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var host = await ProxyTestHost.StartAsync(new Dictionary<string, string?> { ["Server:ProxyUpstream"] = $"http://127.0.0.1:{closedPort}/" });
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);

        using var response = await host.ProxyAsync(HttpMethod.Get, $"v25.0/{host.Sample.PhoneNumberId}", key);

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["error"]!.AsObject();
        ((string?)error["message"]).ShouldStartWith("Evertoken could not reach the Graph API");
        ((string?)error["type"]).ShouldBe("EvertokenProxyError");
        ((int?)error["code"]).ShouldBe(2);
        ((bool?)error["is_transient"]).ShouldBe(true);
    }

    [Fact]
    public async Task Proxied_calls_are_counted_in_the_proxy_metrics()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        // The meter is shared by every server of the test process, so compare counts rather than expect exact ones.
        var before = await ProxiedCountAsync(host, "200");

        for (var i = 0; i < 3; i++)
        {
            using var response = await host.ProxyAsync(HttpMethod.Get, $"v25.0/{host.Sample.PhoneNumberId}", key);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await Service.Eventually.TrueAsync(async () => await ProxiedCountAsync(host, "200") >= before + 3, "three proxied calls counted");
    }

    /// <summary>evertoken_proxy_requests_total for one status, from the Prometheus endpoint; 0 before the first call.</summary>
    private static async Task<double> ProxiedCountAsync(ProxyTestHost host, string status)
    {
        var text = await host.Client.GetStringAsync("metrics", Ct);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("evertoken_proxy_requests_total{", StringComparison.Ordinal) && l.Contains($"status=\"{status}\"", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
