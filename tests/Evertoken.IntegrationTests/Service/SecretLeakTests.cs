using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Service;

/// <summary>No token value or app secret leaves the service except through the one audited read.</summary>
public sealed class SecretLeakTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_token_value_or_app_secret_appears_in_any_response_or_log_line_except_the_audited_value_read()
    {
        await using var emulator = await EmulatorHost.StartAsync(ct: Ct);
        using var envFolder = new TempDirectory();
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["Sinks:0:Token"] = "rotating",
            ["Sinks:0:Name"] = "dotenv",
            ["Sinks:0:Type"] = "dotenv",
            ["Sinks:0:Settings:path"] = envFolder.File(".env"),
            ["Sinks:1:Token"] = "rotating",
            ["Sinks:1:Name"] = "netlify",
            ["Sinks:1:Type"] = "netlify",
            ["Sinks:1:Settings:account_id"] = EmulatorState.NetlifySampleAccountId,
            ["Sinks:1:Settings:site_id"] = EmulatorState.NetlifySampleSiteId,
            ["Sinks:1:Settings:api_base_url"] = new Uri(emulator.BaseUrl, "netlify/api/v1/").ToString(),
            ["Sinks:1:Secrets:access_token"] = EmulatorState.NetlifySampleAccessToken,
        }, emulator: emulator);
        var sample = service.Sample;
        var secrets = new List<string> { sample.AppSecret, EmulatorState.NetlifySampleAccessToken };

        var rotating = service.MintSystemUserToken(TimeSpan.FromDays(10));
        var never = service.MintSystemUserToken(null);
        var revoked = service.MintSystemUserToken(null);
        var shortLived = sample.UserTokenShortLived;
        secrets.AddRange([rotating, never, revoked, shortLived, sample.SystemUserToken60Days]);

        await service.AddTokenAsync("rotating", rotating);
        await service.AddTokenAsync("never", never);
        await service.AddTokenAsync("revoked", revoked, withAppSecret: false);
        await service.AddTokenAsync("person", shortLived);
        var admin = service.Admin;
        (await admin.PostAsJsonAsync("v1/tokens/import", new { name = "imported", dotEnv = $"APP_ID={sample.AppId}\nAPP_SECRET={sample.AppSecret}\nACCESS_TOKEN={sample.SystemUserToken60Days}\n" }, Ct)).Dispose();
        (await admin.PostAsJsonAsync("v1/tokens", new { name = "rotating", token = rotating, appSecret = sample.AppSecret }, Ct)).Dispose();

        await service.RunWorkerAsync();
        (await admin.PostAsync("v1/tokens/imported/rotate", null, Ct)).Dispose();
        service.Emulator.State.Invalidate(revoked, 466);
        service.Emulator.State.AddFault(new FaultSpec { Path = "/oauth/access_token", Status = 500, Count = 1 });
        (await admin.PostAsync("v1/tokens/rotating/rotate", null, Ct)).Dispose();
        (await admin.PostAsync("v1/tokens/rotating/rotate", null, Ct)).Dispose();
        foreach (var name in new[] { "rotating", "never", "revoked", "person", "imported" })
        {
            (await admin.PostAsync($"v1/tokens/{name}/check", null, Ct)).Dispose();
            (await admin.GetAsync($"v1/tokens/{name}/diagnosis", Ct)).Dispose();
            (await admin.GetAsync($"v1/tokens/{name}", Ct)).Dispose();
            (await admin.GetAsync($"v1/tokens/{name}/history", Ct)).Dispose();
        }

        service.Clock.Advance(TimeSpan.FromHours(2));
        await service.RunWorkerAsync();
        await Eventually.TrueAsync(() => service.Alerts.OfKind("Invalidated").Count >= 1, "the invalidation alert went out");

        var keyResponse = await admin.PostAsJsonAsync("v1/client-keys", new { name = "reader", scopes = new[] { "read-token" }, tokens = new[] { "never" } }, Ct);
        var key = JsonNode.Parse(await keyResponse.Content.ReadAsStringAsync(Ct))!["key"]!.GetValue<string>();
        using (var reader = new HttpClient { BaseAddress = service.BaseAddress })
        {
            // The one sanctioned exit, outside the recorder: its body carries the value by design.
            reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var read = await reader.GetAsync("v1/tokens/never/value", Ct);
            (await read.Content.ReadAsStringAsync(Ct)).ShouldContain(never);
            string.Join("\n", read.Headers.Concat(read.Content.Headers).SelectMany(h => h.Value)).ShouldNotContain(never);
        }

        using var readerWithRecorder = new HttpClient(service.Recorder, disposeHandler: false) { BaseAddress = service.BaseAddress };
        readerWithRecorder.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        (await readerWithRecorder.GetAsync("v1/tokens/rotating/value", Ct)).Dispose();
        (await admin.GetAsync("v1/tokens/never/value", Ct)).Dispose();
        foreach (var path in new[] { "v1/tokens", "v1/client-keys", "v1/audit?limit=1000", "v1/alerts", "readyz", "healthz", "metrics", "openapi/v1.json", "v1/tokens/unknown", "v1/tokens/unknown/history", "v1/tokens/unknown/diagnosis" })
        {
            (await admin.GetAsync(path, Ct)).Dispose();
        }

        (await admin.PostAsync("v1/tokens", new StringContent($"{{\"name\":\"broken\",\"token\":\"{never}\",", Encoding.UTF8, "application/json"), Ct)).Dispose();
        (await admin.PostAsync("v1/tokens", new StringContent($"{{\"name\":\"broken\",\"token\":\"{never}\",\"check\":\"maybe\"}}", Encoding.UTF8, "application/json"), Ct)).Dispose();
        (await admin.PostAsJsonAsync("v1/tokens", new { name = "bad name!", token = never, appSecret = sample.AppSecret }, Ct)).Dispose();
        (await admin.PostAsJsonAsync("v1/tokens", new { name = "never", token = never, appSecret = sample.AppSecret }, Ct)).Dispose();
        (await admin.PostAsync("v1/tokens/unknown/rotate", null, Ct)).Dispose();
        (await admin.DeleteAsync("v1/tokens/person", Ct)).Dispose();

        // Every value the service ever held, rotated ones included.
        foreach (var name in new[] { "rotating", "never", "revoked", "imported" })
        {
            secrets.AddRange((await service.Store.GetHistoryAsync(name, Ct)).Select(v => v.Data.Value));
        }

        secrets = [.. secrets.Distinct()];
        secrets.Count.ShouldBeGreaterThan(8);
        var exchanges = service.Recorder.Exchanges.ToList();
        exchanges.Count.ShouldBeGreaterThan(40);
        var logs = service.Logs.Lines.ToList();
        logs.Count.ShouldBeGreaterThan(50);
        var alerts = service.Alerts.Received.Select(a => a.ToJsonString()).ToList();
        alerts.ShouldNotBeEmpty();
        foreach (var secret in secrets)
        {
            var fingerprint = Evertoken.Tokens.TokenFingerprint.Of(secret);
            exchanges.Where(e => e.Contains(secret, StringComparison.Ordinal)).ShouldBeEmpty($"a response shows {fingerprint}");
            logs.Where(l => l.Contains(secret, StringComparison.Ordinal)).ShouldBeEmpty($"a log line shows {fingerprint}");
            alerts.Where(a => a.Contains(secret, StringComparison.Ordinal)).ShouldBeEmpty($"an alert shows {fingerprint}");
        }
    }
}
