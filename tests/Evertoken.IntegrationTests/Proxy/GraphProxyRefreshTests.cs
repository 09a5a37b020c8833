using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.Graph;
using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.IntegrationTests.Proxy;

/// <summary>When Meta answers code 190 the proxy refreshes the token (once for a whole burst) and retries once.</summary>
public sealed class GraphProxyRefreshTests
{
    private const string OAuth = "/oauth/access_token";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FaultSpec Rejection(string path, string method, int? count) => new()
    {
        Path = path,
        Method = method,
        GraphCode = 190,
        GraphSubcode = 463,
        Message = "Error validating access token: Session has expired.",
        Count = count,
    };

    [Fact]
    public async Task A_190_answer_causes_one_refresh_and_the_retry_succeeds_with_the_new_token()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var phone = host.Sample.PhoneNumberId;
        host.Emulator.State.AddFault(Rejection($"/{phone}", "GET", count: 1));

        using var response = await host.ProxyAsync(HttpMethod.Get, $"v25.0/{phone}", key);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ((string?)(await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]).ShouldBe(phone);
        var current = await host.CurrentTokenAsync();
        current.Version.ShouldBe(2);
        current.Value.ShouldNotBe(host.FirstToken);
        (await host.CallsToAsync(OAuth, 1)).Count.ShouldBe(1);
        var calls = await host.CallsToAsync($"/{phone}", 2);
        calls.Count.ShouldBe(2);
        calls[0].Status.ShouldBe(400);
        calls[0].Token.ShouldBe(TokenFingerprint.Of(host.FirstToken));
        calls[1].Status.ShouldBe(200);
        calls[1].Token.ShouldBe(TokenFingerprint.Of(current.Value));
        calls[1].Query["appsecret_proof"].ShouldBe(TokenFingerprint.Of(AppSecretProof.Compute(host.Sample.AppSecret, current.Value)));
    }

    [Fact]
    public async Task A_chunked_JSON_POST_body_is_sent_again_on_the_retry()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var path = $"/{host.Sample.WabaId}/subscribed_apps";
        host.Emulator.State.AddFault(Rejection(path, "POST", count: 1));
        // JsonContent has no declared length: it goes out chunked, as most .NET apps send JSON.
        using var json = JsonContent.Create(new { override_callback_uri = "https://app.example/retried", verify_token = "vt-1" });

        using var response = await host.ProxyAsync(HttpMethod.Post, "v25.0" + path, key, json);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.CallsToAsync(OAuth, 1)).Count.ShouldBe(1);
        (await host.CallsToAsync(path, 2)).Select(c => c.Status).ShouldBe([400, 200]);
        host.Emulator.State.FindWaba(host.Sample.WabaId)!.Subscriptions.ShouldContain(s => s.OverrideCallbackUri == "https://app.example/retried");
    }

    [Fact]
    public async Task Twenty_concurrent_calls_all_rejected_with_190_cause_one_refresh_and_all_succeed()
    {
        GatedKeeper? gated = null;
        await using var host = await ProxyTestHost.StartAsync(services: s => s.AddSingleton<ITokenKeeper>(sp => gated = new GatedKeeper(sp.GetRequiredService<TokenKeeper>())));
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var phone = host.Sample.PhoneNumberId;
        host.Emulator.State.AddFault(Rejection($"/{phone}", "GET", count: 20));

        var calls = Enumerable.Range(0, 20).Select(_ => host.ProxyAsync(HttpMethod.Get, $"v25.0/{phone}", key)).ToList();

        // Every first attempt is answered 190 before any refresh may run.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (host.CallsTo($"/{phone}").Count(c => c.Status == 400) < 20)
        {
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "20 rejected calls should reach the emulator");
            await Task.Delay(20, Ct);
        }

        gated.ShouldNotBeNull().Gate.SetResult();
        var responses = await Task.WhenAll(calls);

        responses.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.OK);
        (await host.CallsToAsync(OAuth, 1)).Count.ShouldBe(1);
        gated.RefreshCalls.ShouldBeGreaterThan(0);
        var current = await host.CurrentTokenAsync();
        current.Version.ShouldBe(2);
        var retried = (await host.CallsToAsync($"/{phone}", 40)).Where(c => c.Status == 200).ToList();
        retried.Count.ShouldBe(20);
        retried.ShouldAllBe(c => c.Token == TokenFingerprint.Of(current.Value));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task When_the_refresh_fails_the_app_gets_Metas_190_answer()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var phone = host.Sample.PhoneNumberId;

        // Revoked at Meta (password changed): the API call and the refresh both fail.
        host.Emulator.State.Invalidate(host.FirstToken, 460).ShouldBeTrue();
        using var response = await host.ProxyAsync(HttpMethod.Get, $"v25.0/{phone}", key);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Headers.Contains("x-fb-trace-id").ShouldBeTrue();
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["error"]!.AsObject();
        ((int?)error["code"]).ShouldBe(190);
        ((int?)error["error_subcode"]).ShouldBe(460);
        (await host.CallsToAsync(OAuth, 1)).Count.ShouldBe(1);
        (await host.CallsToAsync($"/{phone}", 1)).Count.ShouldBe(1);
        (await host.CurrentTokenAsync()).Version.ShouldBe(1);
    }

    [Fact]
    public async Task After_a_failed_refresh_more_190s_for_that_version_skip_Meta_until_the_cool_down_ends()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var phone = host.Sample.PhoneNumberId;
        host.Emulator.State.Invalidate(host.FirstToken, 467).ShouldBeTrue();

        for (var i = 0; i < 3; i++)
        {
            using var rejected = await host.ProxyAsync(HttpMethod.Get, $"v25.0/{phone}", key);
            rejected.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        (await host.CallsToAsync(OAuth, 1)).Count.ShouldBe(1);
        (await host.CallsToAsync($"/{phone}", 3)).Count.ShouldBe(3);

        host.Emulator.Clock.Advance(TimeSpan.FromSeconds(31));
        using var later = await host.ProxyAsync(HttpMethod.Get, $"v25.0/{phone}", key);
        later.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await host.CallsToAsync(OAuth, 2)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_body_over_the_replay_limit_is_streamed_and_its_190_passed_through_without_a_refresh()
    {
        await using var host = await ProxyTestHost.StartAsync(new Dictionary<string, string?> { ["Server:Proxy:MaxReplayBodyBytes"] = "16" });
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var path = $"/{host.Sample.WabaId}/subscribed_apps";
        host.Emulator.State.AddFault(Rejection(path, "POST", count: 1));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["override_callback_uri"] = "https://app.example/too-long-to-replay" });

        using var response = await host.ProxyAsync(HttpMethod.Post, "v25.0" + path, key, form);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        ((int?)(await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["error"]!["code"]).ShouldBe(190);
        (await host.CallsToAsync(path, 1)).ShouldHaveSingleItem().Form!["override_callback_uri"].ShouldBe("https://app.example/too-long-to-replay");
        host.CallsTo(OAuth).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_chunked_body_found_over_the_replay_limit_still_reaches_upstream_whole_and_is_not_retried()
    {
        await using var host = await ProxyTestHost.StartAsync(new Dictionary<string, string?> { ["Server:Proxy:MaxReplayBodyBytes"] = "16" });
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var path = $"/{host.Sample.WabaId}/subscribed_apps";
        host.Emulator.State.AddFault(Rejection(path, "POST", count: 1));
        var uri = "https://app.example/" + new string('a', 40_000);
        using var json = JsonContent.Create(new { override_callback_uri = uri, verify_token = "vt-2" });

        using var response = await host.ProxyAsync(HttpMethod.Post, "v25.0" + path, key, json);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await host.CallsToAsync(path, 1)).ShouldHaveSingleItem();
        host.CallsTo(OAuth).ShouldBeEmpty();

        // Without the fault the same streamed body is accepted, every byte of it.
        using var again = JsonContent.Create(new { override_callback_uri = uri, verify_token = "vt-2" });
        using var accepted = await host.ProxyAsync(HttpMethod.Post, "v25.0" + path, key, again);
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        host.Emulator.State.FindWaba(host.Sample.WabaId)!.Subscriptions.ShouldContain(s => s.OverrideCallbackUri == uri);
    }

    [Fact]
    public async Task No_token_value_or_key_reaches_a_response_header_a_non_Meta_body_or_a_log_line()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var phone = host.Sample.PhoneNumberId;
        var seen = new List<string>();

        async Task CallAsync(HttpMethod method, string path, HttpContent? content = null)
        {
            using var response = await host.ProxyAsync(method, path, key, content);
            seen.AddRange(response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
            seen.Add(await response.Content.ReadAsStringAsync(Ct));
        }

        await CallAsync(HttpMethod.Get, $"v25.0/{phone}");
        host.Emulator.State.AddFault(Rejection($"/{phone}", "GET", count: 1));
        await CallAsync(HttpMethod.Get, $"v25.0/{phone}?access_token=EAAappsOwnOldToken0123456789");
        var second = (await host.CurrentTokenAsync()).Value;
        await CallAsync(HttpMethod.Post, $"v25.0/{host.Sample.WabaId}/subscribed_apps", new FormUrlEncodedContent([]));
        host.Emulator.State.Invalidate(second, 466).ShouldBeTrue();
        await CallAsync(HttpMethod.Get, $"v25.0/{phone}");
        await CallAsync(HttpMethod.Get, $"v25.0/{phone}?access_token=x", null);

        // One successful refresh, one failed (the second 190 of the dead token falls in the cool-down).
        (await host.CallsToAsync(OAuth, 2)).Count.ShouldBe(2);
        second.ShouldNotBe(host.FirstToken);
        string[] secrets = [host.FirstToken, second, key, ProxyTestHost.AdminKey, host.Sample.AppSecret];
        foreach (var secret in secrets)
        {
            seen.ShouldAllBe(text => !text.Contains(secret, StringComparison.Ordinal));
            host.Logs.Lines.ShouldAllBe(line => !line.Contains(secret, StringComparison.Ordinal));
        }

        // The logs did record the rejection, by fingerprint.
        host.Logs.Lines.ShouldContain(line => line.Contains(TokenFingerprint.Of(host.FirstToken), StringComparison.Ordinal));
    }
}
