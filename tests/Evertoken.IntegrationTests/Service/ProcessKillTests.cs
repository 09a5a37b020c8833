using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Service;

/// <summary>A real <c>kill -9</c> of <c>evertoken serve</c> while a refresh waits on Meta.</summary>
public sealed class ProcessKillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_the_service_while_a_refresh_waits_on_Meta_leaves_the_old_token_current_and_the_restarted_service_renews_it()
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

        await using (var first = await ServeProcess.StartAsync(emulator.BaseUrl, folder.Path, masterKey))
        {
            using (var added = await first.Http.PostAsJsonAsync("v1/tokens", new { name = "main", token = old, appId = sample.AppId, appSecret = sample.AppSecret }, Ct))
            {
                ((int)added.StatusCode).ShouldBe(201);
            }

            // Meta never answers the refresh: the process is killed while it waits.
            emulator.State.AddFault(new FaultSpec { Path = "/oauth/access_token", Timeout = true });
            var rotate = first.Http.PostAsync("v1/tokens/main/rotate", null, Ct);
            await Eventually.TrueAsync(() => emulator.Calls.Any(c => c.Path == "/oauth/access_token"), "the refresh reached Meta");
            await first.KillAsync();
            await Should.ThrowAsync<HttpRequestException>(() => rotate);
        }

        emulator.State.ClearFaults();
        await using var second = await ServeProcess.StartAsync(emulator.BaseUrl, folder.Path, masterKey);
        var view = JsonNode.Parse(await second.Http.GetStringAsync("v1/tokens/main", Ct))!;
        view["token"]!["version"]!.GetValue<long>().ShouldBe(1);
        view["token"]!["fingerprint"]!.GetValue<string>().ShouldBe(Evertoken.Tokens.TokenFingerprint.Of(old));
        view["token"]!["status"]!.GetValue<string>().ShouldBe("Healthy");
        emulator.State.FindToken(old)!.InvalidationSubcode.ShouldBeNull();

        using var rotated = await second.Http.PostAsync("v1/tokens/main/rotate", null, Ct);
        var outcome = JsonNode.Parse(await rotated.Content.ReadAsStringAsync(Ct))!;
        outcome["rotated"]!.GetValue<bool>().ShouldBeTrue(outcome.ToJsonString());
        outcome["version"]!.GetValue<long>().ShouldBe(2);
        var history = JsonNode.Parse(await second.Http.GetStringAsync("v1/tokens/main/history", Ct))!.AsArray();
        history.Select(v => v!["number"]!.GetValue<long>()).ShouldBe([2L, 1L]);
    }
}
