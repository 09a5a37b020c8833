using System.Net.Sockets;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.IntegrationTests.Service;

/// <summary>What the service does when Meta says no, Meta is down, or a sink is broken.</summary>
public sealed class FailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_never_expiring_token_revoked_at_Meta_becomes_invalid_at_the_next_check_with_one_alert_and_no_retry_storm()
    {
        await using var service = await TestService.StartAsync();
        var token = service.MintSystemUserToken(lifetime: null);
        await service.AddTokenAsync("forever", token);
        (await service.RunWorkerAsync()).ShouldBe(0, "a freshly checked never-expiring token waits for its check interval");

        service.Emulator.State.Invalidate(token, 466).ShouldBeTrue();
        var interval = service.Services.GetRequiredService<RefreshPolicy>().Options.CheckInterval;
        service.Clock.Advance(interval + TimeSpan.FromSeconds(1));
        (await service.RunWorkerAsync()).ShouldBe(1);

        var view = await service.GetJsonAsync("v1/tokens/forever");
        view["token"]!["status"]!.GetValue<string>().ShouldBe("Invalid");
        await Eventually.TrueAsync(() => service.Alerts.OfKind("Invalidated").Count >= 1, "an Invalidated alert reached the webhook");
        var alert = service.Alerts.OfKind("Invalidated").Single();
        ((string?)alert["token"]).ShouldBe("forever");

        var seq = await service.MarkAsync();
        for (var i = 0; i < 5; i++)
        {
            service.Clock.Advance(interval + TimeSpan.FromSeconds(1));
            (await service.RunWorkerAsync()).ShouldBe(0);
        }

        (await service.CallsToAsync("/debug_token", seq)).ShouldBe(0);
        (await service.CallsToAsync("/oauth/access_token", seq)).ShouldBe(0);
        service.Alerts.OfKind("Invalidated").Count.ShouldBe(1);
        (await service.Keeper.GetAsync("forever", Ct)).Value.ShouldBe(token, "there is nothing better to serve; the status tells callers");
    }

    public static TheoryData<string> Outages => ["http 500", "slower than the Graph timeout", "http 429", "graph code 2"];

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task When_Meta_fails_during_a_refresh_the_old_token_is_served_the_worker_backs_off_and_retries_later(string outage)
    {
        await using var service = await TestService.StartAsync(new Dictionary<string, string?> { ["Graph:Timeout"] = "00:00:03" });
        var old = service.MintSystemUserToken(TimeSpan.FromDays(10));
        await service.AddTokenAsync("main", old);
        // With a short Graph timeout (3 s, so a loaded machine still reaches the emulator), the first call of a cold process can time out: the token is then stored
        // unchecked. Check it until Meta has answered once, so the worker's first pass is the renewal under test.
        await Eventually.TrueAsync(async () => (await service.Keeper.CheckAsync("main", Ct)).Error is null, "the token was checked once");
        service.Emulator.State.AddFault(outage switch
        {
            "http 500" => new FaultSpec { Path = "/oauth/access_token", Status = 500 },
            "slower than the Graph timeout" => new FaultSpec { Path = "/oauth/access_token", Timeout = true },
            "http 429" => new FaultSpec { Path = "/oauth/access_token", Status = 429 },
            _ => new FaultSpec { Path = "/oauth/access_token", GraphCode = 2 },
        });

        var seq = await service.MarkAsync();
        (await service.RunWorkerAsync()).ShouldBe(1);
        (await service.CallsToAsync("/oauth/access_token", seq)).ShouldBe(1);

        var served = await service.Keeper.GetAsync("main", Ct);
        served.Version.ShouldBe(1);
        served.Value.ShouldBe(old);
        var view = await service.GetJsonAsync("v1/tokens/main");
        view["token"]!["status"]!.GetValue<string>().ShouldNotBe("Invalid");
        view["token"]!["version"]!.GetValue<long>().ShouldBe(1);
        await Eventually.TrueAsync(() => service.Alerts.OfKind("RefreshFailed").Count >= 1, "a RefreshFailed alert reached the webhook");
        var alert = service.Alerts.OfKind("RefreshFailed").Single();
        ((string?)alert["cause"]).ShouldBe("Outage");
        ((string?)alert["text"]).ShouldNotBeNull().ShouldContain("unavailable");

        // Backing off: the pass right after does not call Meta again.
        seq = await service.MarkAsync();
        (await service.RunWorkerAsync()).ShouldBe(0);
        (await service.CallsToAsync("/oauth/access_token", seq)).ShouldBe(0);
        service.Worker.NextAttemptOf("main").ShouldNotBeNull();

        service.Emulator.State.ClearFaults();
        service.Clock.Advance(service.Services.GetRequiredService<RefreshPolicy>().Options.InitialBackoff * 2);
        (await service.RunWorkerAsync()).ShouldBe(1);
        (await service.CallsToAsync("/oauth/access_token", seq)).ShouldBe(1);
        var renewed = await service.Keeper.GetAsync("main", Ct);
        renewed.Version.ShouldBe(2);
        (await service.DebugTokenAsync(renewed.Value))["is_valid"]!.GetValue<bool>().ShouldBeTrue();
        service.Worker.NextAttemptOf("main").ShouldBeNull();
        await Eventually.TrueAsync(() => service.Alerts.OfKind("Recovered").Count >= 1, "the recovery was announced");
    }

    [Fact]
    public async Task A_failing_sink_does_not_fail_the_rotation_and_shows_in_the_token_list_and_as_an_alert()
    {
        int closedPort;
        using (var listener = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        await using var emulator = await EmulatorHost.StartAsync(ct: Ct);
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["Sinks:0:Token"] = "main",
            ["Sinks:0:Name"] = "app-hook",
            ["Sinks:0:Type"] = "webhook",
            ["Sinks:0:Settings:url"] = $"http://127.0.0.1:{closedPort}/token-updated",
            ["Sinks:0:Secrets:secret"] = "webhook-signing-secret-0123456789",
            ["Sinks:1:Token"] = "main",
            ["Sinks:1:Name"] = "netlify-prod",
            ["Sinks:1:Type"] = "netlify",
            ["Sinks:1:Settings:account_id"] = EmulatorState.NetlifySampleAccountId,
            ["Sinks:1:Settings:site_id"] = EmulatorState.NetlifySampleSiteId,
            ["Sinks:1:Settings:api_base_url"] = new Uri(emulator.BaseUrl, "netlify/api/v1/").ToString(),
            ["Sinks:1:Secrets:access_token"] = "nfp_a_token_netlify_does_not_know",
        }, emulator: emulator);
        await service.AddTokenAsync("main", service.MintSystemUserToken(TimeSpan.FromDays(10)));

        (await service.RunWorkerAsync()).ShouldBe(1);

        (await service.Keeper.GetAsync("main", Ct)).Version.ShouldBe(2);
        (await service.Store.GetTokenAsync("main", Ct))!.Current.Number.ShouldBe(2);
        JsonArray sinks = null!;
        await Eventually.TrueAsync(async () =>
        {
            sinks = (await service.GetJsonAsync("v1/tokens"))[0]!["sinks"]!.AsArray();
            return sinks.All(s => (string?)s!["state"] == "Failing");
        }, "both sinks show as failing");
        sinks.Select(s => (string?)s!["name"]).ShouldBe(["app-hook", "netlify-prod"], ignoreOrder: true);
        sinks.ShouldAllBe(s => !string.IsNullOrEmpty((string?)s!["lastError"]));
        await Eventually.TrueAsync(() => service.Alerts.OfKind("SinkFailed").Count >= 2, "a SinkFailed alert per sink");
        service.Alerts.OfKind("SinkFailed").Select(a => (string?)a["sink"]).ShouldBe(["app-hook", "netlify-prod"], ignoreOrder: true);
        emulator.Netlify.GetValue(EmulatorState.NetlifySampleAccountId, EmulatorState.NetlifySampleSiteId, "WHATSAPP_ACCESS_TOKEN").ShouldBeNull();
    }
}
