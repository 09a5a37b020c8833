using Evertoken.Emulator;
using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.IntegrationTests.Service;

/// <summary>The refresh worker renews tokens before they expire, pushes them to the sinks and revokes what they replaced.</summary>
public sealed class RotationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_60_day_system_user_token_is_rotated_before_expiry_pushed_to_sinks_and_the_old_one_revoked_after_the_grace_period()
    {
        await using var emulator = await EmulatorHost.StartAsync(ct: Ct);
        using var envFolder = new TempDirectory();
        var envPath = envFolder.File(".env");
        await File.WriteAllTextAsync(envPath,
            "# Wedding matcher, production\nAPP_NAME=wedding-matcher\n\n# Meta\nWHATSAPP_ACCESS_TOKEN=to-be-replaced\nWHATSAPP_PHONE_NUMBER_ID=1234\nexport LOG_LEVEL=info # keep\n", Ct);
        var netlify = emulator.Netlify;
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["Sinks:0:Token"] = "main",
            ["Sinks:0:Name"] = "dotenv",
            ["Sinks:0:Type"] = "dotenv",
            ["Sinks:0:Settings:path"] = envPath,
            ["Sinks:1:Token"] = "main",
            ["Sinks:1:Name"] = "netlify-prod",
            ["Sinks:1:Type"] = "netlify",
            ["Sinks:1:Settings:account_id"] = EmulatorState.NetlifySampleAccountId,
            ["Sinks:1:Settings:site_id"] = EmulatorState.NetlifySampleSiteId,
            ["Sinks:1:Settings:api_base_url"] = new Uri(emulator.BaseUrl, "netlify/api/v1/").ToString(),
            ["Sinks:1:Secrets:access_token"] = EmulatorState.NetlifySampleAccessToken,
        }, emulator: emulator);

        var old = service.MintSystemUserToken(TimeSpan.FromDays(10));
        await service.AddTokenAsync("main", old);

        (await service.RunWorkerAsync()).ShouldBe(1);

        var current = await service.Keeper.GetAsync("main", Ct);
        current.Version.ShouldBe(2);
        current.Value.ShouldNotBe(old);
        current.Kind.ShouldBe(TokenKind.SystemUser);
        var fresh = await service.DebugTokenAsync(current.Value);
        fresh["is_valid"]!.GetValue<bool>().ShouldBeTrue();
        fresh["type"]!.GetValue<string>().ShouldBe("SYSTEM_USER");
        var expiresIn = DateTimeOffset.FromUnixTimeSeconds(fresh["expires_at"]!.GetValue<long>()) - service.Clock.GetUtcNow();
        expiresIn.ShouldBeInRange(TimeSpan.FromDays(60) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(60));
        (await service.DebugTokenAsync(old))["is_valid"]!.GetValue<bool>().ShouldBeTrue("the old token keeps working during the grace period");

        await Eventually.TrueAsync(() => File.ReadAllText(envPath).Contains($"WHATSAPP_ACCESS_TOKEN={current.Value}"), "the .env sink wrote the new value");
        var env = await File.ReadAllTextAsync(envPath, Ct);
        env.ShouldContain("# Wedding matcher, production\nAPP_NAME=wedding-matcher\n\n# Meta\n");
        env.ShouldContain("WHATSAPP_PHONE_NUMBER_ID=1234\n");
        env.ShouldContain("export LOG_LEVEL=info # keep");
        env.ShouldNotContain("to-be-replaced");
        await Eventually.TrueAsync(() => netlify.BuildCount(EmulatorState.NetlifySampleSiteId) == 1, "the Netlify sink triggered a build");
        netlify.GetValue(EmulatorState.NetlifySampleAccountId, EmulatorState.NetlifySampleSiteId, "WHATSAPP_ACCESS_TOKEN", "production").ShouldBe(current.Value);

        // Nothing is revoked before the grace period is over.
        (await service.RunWorkerAsync()).ShouldBe(0);
        (await service.DebugTokenAsync(old))["is_valid"]!.GetValue<bool>().ShouldBeTrue();

        var grace = service.Services.GetRequiredService<RefreshPolicy>().Options.RevokeGracePeriod!.Value;
        service.Clock.Advance(grace + TimeSpan.FromMinutes(1));
        await service.RunWorkerAsync();

        var revoked = await service.DebugTokenAsync(old);
        revoked["is_valid"]!.GetValue<bool>().ShouldBeFalse();
        revoked["error"]!["subcode"]!.GetValue<int>().ShouldBe(466);
        (await service.DebugTokenAsync(current.Value))["is_valid"]!.GetValue<bool>().ShouldBeTrue();
        var history = await service.Store.GetHistoryAsync("main", Ct);
        history.Select(v => v.Number).ShouldBe([2L, 1L]);
        history[0].RevokedAt.ShouldBeNull();
        history[1].RevokedAt.ShouldNotBeNull();
        (await service.Keeper.GetAsync("main", Ct)).Value.ShouldBe(current.Value);
    }

    [Fact]
    public async Task A_short_lived_user_token_is_exchanged_for_a_60_day_user_token_by_the_first_worker_pass()
    {
        await using var service = await TestService.StartAsync();
        var shortLived = service.Sample.UserTokenShortLived;
        await service.AddTokenAsync("person", shortLived);

        (await service.RunWorkerAsync()).ShouldBe(1);

        var history = await service.Store.GetHistoryAsync("person", Ct);
        history.Count.ShouldBe(2);
        var v2 = history[0];
        v2.Number.ShouldBe(2);
        v2.Data.Kind.ShouldBe(TokenKind.User);
        v2.Data.Source.ShouldBe("exchanged");
        (v2.Data.ExpiresAt!.Value - service.Clock.GetUtcNow()).ShouldBeInRange(TimeSpan.FromDays(59), TimeSpan.FromDays(60));
        var info = await service.DebugTokenAsync(v2.Data.Value);
        info["type"]!.GetValue<string>().ShouldBe("USER");
        info["is_valid"]!.GetValue<bool>().ShouldBeTrue();
        service.Emulator.Calls.ShouldContain(c => c.Path == "/oauth/access_token" && c.Query.GetValueOrDefault("grant_type") == "fb_exchange_token");
        (await service.Keeper.GetAsync("person", Ct)).Version.ShouldBe(2);

        // The 60-day token is not renewed again on the next pass.
        var seq = await service.MarkAsync();
        await service.RunWorkerAsync();
        (await service.CallsToAsync("/oauth/access_token", seq)).ShouldBe(0);
    }

    [Fact]
    public async Task Ten_thousand_concurrent_reads_of_a_token_inside_the_hard_margin_cause_exactly_one_refresh()
    {
        await using var service = await TestService.StartAsync();
        var old = service.MintSystemUserToken(TimeSpan.FromHours(12));
        await service.AddTokenAsync("hot", old);
        var before = await service.MarkAsync();
        var keeper = service.Keeper;

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readers = Enumerable.Range(0, 10_000).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await keeper.GetAsync("hot", Ct);
        }, Ct)).ToArray();
        start.SetResult();
        var tokens = await Task.WhenAll(readers);

        (await service.CallsToAsync("/oauth/access_token", before)).ShouldBe(1);
        tokens.ShouldAllBe(t => t.Version == 2);
        tokens.Select(t => t.Value).Distinct().Count().ShouldBe(1);
        tokens[0].Value.ShouldNotBe(old);
        (await service.DebugTokenAsync(tokens[0].Value))["is_valid"]!.GetValue<bool>().ShouldBeTrue();
    }
}
