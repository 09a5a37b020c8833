using System.Security.Cryptography;
using Evertoken.Emulator;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Evertoken.IntegrationTests.Service;

/// <summary>A crash between Meta's answer and the store write never loses the token: the library in a generic host.</summary>
public sealed class CrashSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IHost BuildHost(EmulatorHost emulator, string folder, string masterKey, Func<ITokenStore, ITokenStore>? decorate = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(emulator.Clock);
        if (decorate is not null)
        {
            // Registered before AddEvertoken, whose TryAdd then keeps this one.
            builder.Services.AddSingleton(sp => decorate(new SqliteTokenStore(
                new SqliteStoreOptions { DatabasePath = Path.Combine(folder, EvertokenPaths.DatabaseFileName) },
                sp.GetRequiredService<SecretProtector>(),
                emulator.Clock)));
        }

        builder.Services.AddEvertoken(o =>
        {
            o.DataFolder = folder;
            o.MasterKey = new MasterKeyOptions { Key = masterKey };
            o.Graph.BaseUrl = emulator.BaseUrl;
        });
        return builder.Build();
    }

    [Fact]
    public async Task A_crash_between_Metas_answer_and_the_store_write_keeps_the_old_token_current_and_the_next_refresh_succeeds()
    {
        await using var emulator = await EmulatorHost.StartAsync(ct: Ct);
        using var folder = new TempDirectory();
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var sample = emulator.Sample;
        var old = emulator.State.MintToken(new TokenSpec
        {
            AppId = sample.AppId,
            Kind = EmulatorTokenKind.SystemUser,
            Lifetime = TokenLifetime.FromSeconds((long)TimeSpan.FromDays(10).TotalSeconds),
            UserId = sample.SystemUserId,
            Scopes = ["whatsapp_business_messaging"],
        }).AccessToken;

        CrashingTokenStore? crashing = null;
        using (var first = BuildHost(emulator, folder.Path, masterKey, inner => crashing = new CrashingTokenStore(inner)))
        {
            await first.StartAsync(Ct);
            await first.Services.GetRequiredService<TokenRegistrar>().RegisterAsync(
                new TokenRegistration { Name = "main", Value = old, AppId = sample.AppId, AppSecret = sample.AppSecret }, "test", Ct);
            var keeper = first.Services.GetRequiredService<ITokenKeeper>();
            (await keeper.GetAsync("main", Ct)).Version.ShouldBe(1);

            var before = emulator.Calls.Count(c => c.Path == "/oauth/access_token");
            await Should.ThrowAsync<IOException>(() => keeper.RefreshAsync("main", cancellationToken: Ct));
            emulator.Calls.Count(c => c.Path == "/oauth/access_token").ShouldBe(before + 1, "Meta did issue a new token");
            crashing!.Crashes.ShouldBe(1);

            // Until the process dies, callers keep the old version.
            (await keeper.GetAsync("main", Ct)).Value.ShouldBe(old);
            await first.StopAsync(Ct);
        }

        using var second = BuildHost(emulator, folder.Path, masterKey);
        await second.StartAsync(Ct);
        var store = second.Services.GetRequiredService<ITokenStore>();
        var after = await store.GetTokenAsync("main", Ct);
        after.ShouldNotBeNull();
        after.Current.Number.ShouldBe(1);
        after.Current.Data.Value.ShouldBe(old);
        (await store.GetHistoryAsync("main", Ct)).Count.ShouldBe(1);

        var restarted = second.Services.GetRequiredService<ITokenKeeper>();
        var served = await restarted.GetAsync("main", Ct);
        served.Value.ShouldBe(old);
        var graph = second.Services.GetRequiredService<Evertoken.Graph.GraphClient>();
        var check = await graph.DebugTokenAsync(old, $"{sample.AppId}|{sample.AppSecret}", sample.AppSecret, Ct);
        check.IsSuccess.ShouldBeTrue();
        check.Value.IsValid.ShouldBeTrue("the old token still works at Meta after the crash");

        var outcome = await restarted.RefreshAsync("main", cancellationToken: Ct);
        outcome.Rotated.ShouldBeTrue();
        outcome.Current.Version.ShouldBe(2);
        (await restarted.GetAsync("main", Ct)).Value.ShouldBe(outcome.Current.Value);
        (await store.GetHistoryAsync("main", Ct)).Select(v => v.Number).ShouldBe([2L, 1L]);
        await second.StopAsync(Ct);
    }
}
