using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Evertoken.Server.Auth;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.IntegrationTests.Service;

/// <summary>
/// <c>GET /v1/tokens/{name}/value</c> on its lean path (ahead of routing and the auth middleware) answers as the
/// endpoint does. The endpoint still serves the shapes the lean path leaves alone: a trailing slash reaches it, so each
/// answer is compared with the endpoint's for the same key.
/// </summary>
public sealed partial class TokenValueReadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Refused_reads_get_the_policy_answers_401_or_403_as_from_the_endpoint_and_are_not_audited()
    {
        await using var service = await TestService.StartAsync();
        await service.AddTokenAsync("main", service.MintSystemUserToken(TimeSpan.FromDays(60)));
        await service.AddTokenAsync("other", service.MintSystemUserToken(null));
        var (_, reader) = await CreateKeyAsync(service, ["read-token"], ["main"]);
        var (_, otherReader) = await CreateKeyAsync(service, ["read-token"], ["other"]);
        var (_, proxy) = await CreateKeyAsync(service, ["proxy", "send"], ["*"]);
        var (revokedId, revoked) = await CreateKeyAsync(service, ["read-token"], ["main"]);
        (await Read(service, "main", revoked)).Status.ShouldBe(HttpStatusCode.OK, "cached before its revocation");
        (await service.Admin.DeleteAsync($"v1/client-keys/{revokedId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var wrongSecret = reader[..^1] + (reader[^1] == 'A' ? 'B' : 'A');

        var cases = new (string Case, string? Authorization, string Token, HttpStatusCode Status)[]
        {
            ("no header", null, "main", HttpStatusCode.Unauthorized),
            ("not bearer", "Basic YWRtaW46YWRtaW4=", "main", HttpStatusCode.Unauthorized),
            ("empty bearer", "Bearer ", "main", HttpStatusCode.Unauthorized),
            ("malformed key", "Bearer etk_nonsense", "main", HttpStatusCode.Unauthorized),
            ("unknown key", "Bearer etk_000000000000_" + new string('x', 43), "main", HttpStatusCode.Unauthorized),
            ("wrong secret", "Bearer " + wrongSecret, "main", HttpStatusCode.Unauthorized),
            ("revoked key", "Bearer " + revoked, "main", HttpStatusCode.Unauthorized),
            ("wrong admin key", "Bearer eta_not_the_admin_key", "main", HttpStatusCode.Unauthorized),
            ("admin key", "Bearer " + TestService.AdminKey, "main", HttpStatusCode.Forbidden),
            ("key without read-token", "bearer " + proxy, "main", HttpStatusCode.Forbidden),
            ("key for another token", "Bearer " + otherReader, "main", HttpStatusCode.Forbidden),
            ("key for another token, unknown token", "Bearer " + otherReader, "nope", HttpStatusCode.Forbidden),
        };
        foreach (var (name, authorization, token, status) in cases)
        {
            var lean = await SendAsync(service, $"v1/tokens/{token}/value", authorization);
            var endpoint = await SendAsync(service, $"v1/tokens/{token}/value/", authorization);

            lean.Status.ShouldBe(status, name);
            lean.ContentType.ShouldBe("application/problem+json", name);
            lean.Body!["status"]!.GetValue<int>().ShouldBe((int)status, name);
            lean.Body!["traceId"].ShouldNotBeNull(name);
            lean.WwwAuthenticate.ShouldBe(status == HttpStatusCode.Unauthorized ? "Bearer" : "", name);
            lean.ShouldBeSameAnswerAs(endpoint, name);
        }

        var audit = await AuditAsync(service);
        audit.Count(e => (string)e!["action"]! == "token.read").ShouldBe(1, "only the read before the revocation");
    }

    [Fact]
    public async Task An_unknown_token_gets_404_problem_details_as_from_the_endpoint()
    {
        await using var service = await TestService.StartAsync();
        var (_, any) = await CreateKeyAsync(service, ["read-token"], ["*"]);

        var lean = await SendAsync(service, "v1/tokens/nope/value", "Bearer " + any);
        var endpoint = await SendAsync(service, "v1/tokens/nope/value/", "Bearer " + any);

        lean.Status.ShouldBe(HttpStatusCode.NotFound);
        lean.Body!["title"]!.GetValue<string>().ShouldBe("No such token");
        lean.Body!["detail"]!.GetValue<string>().ShouldBe("No managed token named 'nope'.");
        lean.ShouldBeSameAnswerAs(endpoint, "unknown token");
        (await AuditAsync(service)).ShouldNotContain(e => (string)e!["action"]! == "token.read");
    }

    [Fact]
    public async Task A_read_answers_the_value_uncacheable_audits_it_and_logs_only_its_version_and_key()
    {
        await using var service = await TestService.StartAsync();
        var value = service.MintSystemUserToken(TimeSpan.FromDays(60));
        await service.AddTokenAsync("main", value);
        var (id, key) = await CreateKeyAsync(service, ["read-token"], ["main"]);

        var lean = await SendAsync(service, "v1/tokens/main/value", "Bearer " + key);
        var endpoint = await SendAsync(service, "v1/tokens/main/value/", "Bearer " + key);
        var otherCasing = await SendAsync(service, "V1/TOKENS/main/VALUE", "Bearer " + key);

        lean.Status.ShouldBe(HttpStatusCode.OK);
        lean.ContentType.ShouldBe("application/json; charset=utf-8");
        lean.CacheControl.ShouldBe("no-store");
        lean.Body!.AsObject().Select(p => p.Key).ShouldBe(["name", "version", "value", "expiresAt", "appSecretProof"]);
        lean.Body!["name"]!.GetValue<string>().ShouldBe("main");
        lean.Body!["version"]!.GetValue<long>().ShouldBe(1);
        lean.Body!["value"]!.GetValue<string>().ShouldBe(value);
        lean.Body!["appSecretProof"]!.GetValue<string>().ShouldBe(Graph.AppSecretProof.Compute(service.Sample.AppSecret, value));
        lean.Body!["expiresAt"]!.GetValue<DateTimeOffset>().ShouldBe(service.Clock.GetUtcNow().AddDays(60), TimeSpan.FromMinutes(1));
        lean.ShouldBeSameAnswerAs(endpoint, "read");
        otherCasing.ShouldBeSameAnswerAs(endpoint, "read with other casing");

        // Three reads: three rows, or fewer when reads that close together were folded into one row that counts them.
        var reads = (await AuditAsync(service)).Where(e => (string)e!["action"]! == "token.read").ToList();
        reads.Sum(e => ReadsIn(e!)).ShouldBe(3);
        reads.ShouldAllBe(e => (string)e!["actor"]! == $"key:{id}" && (string)e!["tokenName"]! == "main"
            && FoldedReads().Replace((string)e!["detail"]!, "") == $"version 1 {TokenFingerprint.Of(value)}");

        // Only the lean path logs a read (at Debug): its name, version and key, never the value.
        service.Logs.Lines.Count(l => l.Contains($"Token main v1 read by client key {id}", StringComparison.Ordinal)).ShouldBe(1);
        service.Logs.Lines.ShouldAllBe(l => !l.Contains(value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_a_rotation_a_read_answers_and_audits_the_new_version()
    {
        await using var service = await TestService.StartAsync();
        var first = service.MintSystemUserToken(TimeSpan.FromDays(60));
        await service.AddTokenAsync("main", first);
        var (_, key) = await CreateKeyAsync(service, ["read-token"], ["main"]);
        (await Read(service, "main", key)).Body!["value"]!.GetValue<string>().ShouldBe(first);

        using (var rotated = await service.Admin.PostAsync("v1/tokens/main/rotate", null, Ct))
        {
            (await rotated.Content.ReadFromJsonAsync<JsonObject>(Ct))!["rotated"]!.GetValue<bool>().ShouldBeTrue();
        }

        var current = await service.Keeper.GetAsync("main", Ct);
        current.Value.ShouldNotBe(first);
        var read = await Read(service, "main", key);

        read.Body!["version"]!.GetValue<long>().ShouldBe(2);
        read.Body!["value"]!.GetValue<string>().ShouldBe(current.Value);
        read.Body!["appSecretProof"]!.GetValue<string>().ShouldBe(current.Proof);
        var latest = (await AuditAsync(service)).First(e => (string)e!["action"]! == "token.read")!;
        latest["detail"]!.GetValue<string>().ShouldBe($"version 2 {TokenFingerprint.Of(current.Value)}");
    }

    [Fact]
    public async Task A_key_revoked_through_another_instance_stops_reading_once_the_cache_refresh_time_has_passed()
    {
        // The cache's own clock, moved by the test: the service's clock (the emulator's) does not drive timestamps.
        var cacheClock = new FakeTimeProvider();
        await using var service = await TestService.StartAsync(configureServices: services =>
            services.AddSingleton(sp => new ClientKeyCache(sp.GetRequiredService<IClientKeyStore>(), cacheClock)));
        await service.AddTokenAsync("main", service.MintSystemUserToken(TimeSpan.FromDays(60)));
        var (id, key) = await CreateKeyAsync(service, ["read-token"], ["main"]);
        var (otherId, other) = await CreateKeyAsync(service, ["read-token"], ["main"]);
        (await Read(service, "main", key)).Status.ShouldBe(HttpStatusCode.OK);
        (await Read(service, "main", other)).Status.ShouldBe(HttpStatusCode.OK);

        // Revoked in the shared store by another instance: this one is not told.
        (await service.Services.GetRequiredService<IClientKeyStore>().RevokeAsync(id, service.Clock.GetUtcNow(), Ct)).ShouldBeTrue();
        cacheClock.Advance(ClientKeyCache.RefreshAfter - TimeSpan.FromMilliseconds(1));
        (await Read(service, "main", key)).Status.ShouldBe(HttpStatusCode.OK, "still within the refresh time");

        cacheClock.Advance(TimeSpan.FromMilliseconds(1));
        (await Read(service, "main", key)).Status.ShouldBe(HttpStatusCode.Unauthorized);

        // Revoked through this instance's API: at once, whatever the clock.
        (await service.Admin.DeleteAsync($"v1/client-keys/{otherId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Read(service, "main", other)).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Reads_are_counted_by_status_in_the_metrics_and_Kestrel_buffer_counts_are_not_exported()
    {
        await using var service = await TestService.StartAsync();
        await service.AddTokenAsync("main", service.MintSystemUserToken(TimeSpan.FromDays(60)));
        var (_, any) = await CreateKeyAsync(service, ["read-token"], ["*"]);
        // The counters are process-wide: other servers of this test run may read too, so count from here.
        var served = await ReadCountAsync(service, "200");
        var unknown = await ReadCountAsync(service, "404");

        (await Read(service, "main", any)).Status.ShouldBe(HttpStatusCode.OK);
        (await Read(service, "main", any)).Status.ShouldBe(HttpStatusCode.OK);
        (await Read(service, "nope", any)).Status.ShouldBe(HttpStatusCode.NotFound);

        // The exporter answers a scrape from its cache for a moment: poll.
        await Eventually.TrueAsync(async () => await ReadCountAsync(service, "200") >= served + 2, "two reads counted as 200");
        await Eventually.TrueAsync(async () => await ReadCountAsync(service, "404") >= unknown + 1, "one read counted as 404");
        (await service.Anonymous.GetStringAsync("metrics", Ct)).ShouldNotContain("aspnetcore_memory_pool");
    }

    /// <summary>evertoken_token_reads_total for one status, from the Prometheus endpoint; 0 before the first read.</summary>
    private static async Task<double> ReadCountAsync(TestService service, string status)
    {
        var text = await service.Anonymous.GetStringAsync("metrics", Ct);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("evertoken_token_reads_total{", StringComparison.Ordinal) && l.Contains($"status=\"{status}\"", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<(string Id, string Key)> CreateKeyAsync(TestService service, string[] scopes, string[] tokens)
    {
        using var response = await service.Admin.PostAsJsonAsync("v1/client-keys", new { name = "reader", scopes, tokens }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        return ((string)created["id"]!, (string)created["key"]!);
    }

    private static Task<Answer> Read(TestService service, string token, string key) => SendAsync(service, $"v1/tokens/{token}/value", "Bearer " + key);

    private static async Task<Answer> SendAsync(TestService service, string path, string? authorization)
    {
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return new Answer(
            response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            response.Headers.CacheControl?.ToString(),
            response.Headers.WwwAuthenticate.ToString(),
            text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>The audit log, newest first (the audit API commits queued entries before it lists).</summary>
    private static async Task<JsonArray> AuditAsync(TestService service) => (await service.GetJsonAsync("v1/audit?limit=1000")).AsArray();

    private sealed record Answer(HttpStatusCode Status, string? ContentType, string? CacheControl, string WwwAuthenticate, JsonNode? Body)
    {
        /// <summary>Same status, headers that matter and body; a problem's trace id names its own request.</summary>
        public void ShouldBeSameAnswerAs(Answer other, string because)
        {
            (Status, ContentType, CacheControl, WwwAuthenticate).ShouldBe((other.Status, other.ContentType, other.CacheControl, other.WwwAuthenticate), because);
            Comparable(Body).ShouldBe(Comparable(other.Body), because);
        }

        private static string? Comparable(JsonNode? body)
        {
            if (body?.DeepClone() is not JsonObject copy)
            {
                return body?.ToJsonString();
            }

            copy.Remove("traceId");
            return copy.ToJsonString();
        }
    }

    /// <summary>How many reads a <c>token.read</c> row accounts for: 1, or N when the audit writer folded N identical
    /// reads of one batch into it.</summary>
    private static int ReadsIn(JsonNode entry) =>
        FoldedReads().Match((string)entry["detail"]!) is { Success: true } folded ? int.Parse(folded.Groups[1].Value, CultureInfo.InvariantCulture) : 1;

    [GeneratedRegex(@"; (\d+) times, the last at \S+$")]
    private static partial Regex FoldedReads();
}
