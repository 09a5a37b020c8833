using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Evertoken.IntegrationTests.Service;

/// <summary>The /v1 API, client keys, and the operations endpoints of <c>evertoken serve</c> over loopback.</summary>
public sealed class ApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 || !(response.Content.Headers.ContentType?.MediaType?.Contains("json") ?? false) ? null : JsonNode.Parse(text));
    }

    private static HttpClient KeyClient(TestService service, string key)
    {
        var client = new HttpClient(service.Recorder, disposeHandler: false) { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task Tokens_can_be_added_imported_listed_read_rotated_checked_diagnosed_and_deleted()
    {
        await using var service = await TestService.StartAsync();
        var sixtyDay = service.MintSystemUserToken(TimeSpan.FromDays(60));

        var added = await service.AddTokenAsync("main", sixtyDay);
        added["token"]!["name"]!.GetValue<string>().ShouldBe("main");
        added["token"]!["kind"]!.GetValue<string>().ShouldBe("SystemUser");
        added["token"]!["status"]!.GetValue<string>().ShouldBe("Healthy");
        added["token"]!["version"]!.GetValue<long>().ShouldBe(1);

        var duplicate = await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens", new { name = "main", token = sixtyDay });
        duplicate.Status.ShouldBe(HttpStatusCode.Conflict);

        var dotEnv = $"# app settings\nAPP_ID={service.Sample.AppId}\nAPP_SECRET={service.Sample.AppSecret}\nWHATSAPP_ACCESS_TOKEN={service.Sample.SystemUserToken}\nWHATSAPP_PHONE_NUMBER_ID={service.Sample.PhoneNumberId}\n";
        var imported = await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens/import", new { name = "imported", dotEnv });
        imported.Status.ShouldBe(HttpStatusCode.Created);
        imported.Body!["token"]!["appId"]!.GetValue<string>().ShouldBe(service.Sample.AppId);
        imported.Body!["token"]!["phoneNumberId"]!.GetValue<string>().ShouldBe(service.Sample.PhoneNumberId);
        imported.Body!["token"]!["expiresText"]!.GetValue<string>().ShouldBe("never");
        (await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens/import", new { name = "empty", dotEnv = "# nothing here\nAPP_ID=1\n" })).Status.ShouldBe(HttpStatusCode.BadRequest);

        var list = (await service.GetJsonAsync("v1/tokens")).AsArray();
        list.Select(t => (string?)t!["token"]!["name"]).ShouldBe(["imported", "main"], ignoreOrder: true);

        var one = await service.GetJsonAsync("v1/tokens/main");
        one["token"]!["fingerprint"]!.GetValue<string>().ShouldBe(Evertoken.Tokens.TokenFingerprint.Of(sixtyDay));
        (await SendAsync(service.Admin, HttpMethod.Get, "v1/tokens/nope")).Status.ShouldBe(HttpStatusCode.NotFound);

        var rotated = await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens/main/rotate");
        rotated.Status.ShouldBe(HttpStatusCode.OK);
        rotated.Body!["rotated"]!.GetValue<bool>().ShouldBeTrue();
        rotated.Body!["version"]!.GetValue<long>().ShouldBe(2);
        var skipped = await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens/imported/rotate");
        skipped.Body!["rotated"]!.GetValue<bool>().ShouldBeFalse();
        skipped.Body!["skipped"]!.GetValue<string>().ShouldContain("never expires");
        skipped.Body!["version"]!.GetValue<long>().ShouldBe(1);

        var check = await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens/main/check");
        check.Status.ShouldBe(HttpStatusCode.OK);
        check.Body!["status"]!.GetValue<string>().ShouldBe("Healthy");

        var diagnosis = await service.GetJsonAsync("v1/tokens/imported/diagnosis");
        var ids = diagnosis["checks"]!.AsArray().Select(c => (string)c!["id"]!).ToList();
        ids.Distinct().Count().ShouldBe(ids.Count);
        string[] setupOrder = ["app.secret", "token.valid", "token.kind", "token.expiry", "scope.whatsapp_business_messaging", "scope.whatsapp_business_management", "whatsapp.phone_number"];
        ids.Where(setupOrder.Contains).ShouldBe(setupOrder);
        diagnosis["checks"]!.AsArray().Where(c => (string)c!["id"]! is "token.valid" or "app.secret" or "whatsapp.phone_number")
            .ShouldAllBe(c => (string)c!["outcome"]! == "Pass");

        var history = (await service.GetJsonAsync("v1/tokens/main/history")).AsArray();
        history.Select(v => v!["number"]!.GetValue<long>()).ShouldBe([2L, 1L]);
        history[1]!["source"]!.GetValue<string>().ShouldBe("added");
        history[0]!["source"]!.GetValue<string>().ShouldBe("refreshed");

        (await SendAsync(service.Admin, HttpMethod.Delete, "v1/tokens/imported")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(service.Admin, HttpMethod.Get, "v1/tokens/imported")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(service.Admin, HttpMethod.Delete, "v1/tokens/imported")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(service.Admin, HttpMethod.Get, "v1/tokens/imported/history")).Status.ShouldBe(HttpStatusCode.NotFound);

        var audit = (await service.GetJsonAsync("v1/audit")).AsArray().Select(a => (string)a!["action"]!).ToList();
        audit.ShouldContain("token.added");
        audit.ShouldContain("token.imported");
        audit.ShouldContain("token.rotated");
        audit.ShouldContain("token.rotate_requested");
        audit.ShouldContain("token.removed");
    }

    [Fact]
    public async Task Client_keys_are_shown_once_scoped_to_rights_and_tokens_audited_and_revocable()
    {
        await using var service = await TestService.StartAsync();
        var value = service.MintSystemUserToken(TimeSpan.FromDays(60));
        await service.AddTokenAsync("main", value);
        await service.AddTokenAsync("other", service.MintSystemUserToken(null));

        var created = await SendAsync(service.Admin, HttpMethod.Post, "v1/client-keys", new { name = "matchmaker", scopes = new[] { "read-token" }, tokens = new[] { "main" } });
        created.Status.ShouldBe(HttpStatusCode.Created);
        var key = created.Body!["key"]!.GetValue<string>();
        var id = created.Body!["id"]!.GetValue<string>();
        key.ShouldStartWith("etk_");
        var proxyOnly = (await SendAsync(service.Admin, HttpMethod.Post, "v1/client-keys", new { name = "proxy", scopes = new[] { "proxy" }, tokens = new[] { "*" } })).Body!["key"]!.GetValue<string>();
        (await SendAsync(service.Admin, HttpMethod.Post, "v1/client-keys", new { name = "", scopes = new[] { "everything" }, tokens = Array.Empty<string>() })).Status.ShouldBe(HttpStatusCode.BadRequest);

        using (var listResponse = await service.Admin.GetAsync("v1/client-keys", Ct))
        {
            var text = await listResponse.Content.ReadAsStringAsync(Ct);
            listResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
            text.ShouldContain(id);
            text.ShouldNotContain(key);
            // etk_{id}_{secret}: the secret is everything after the id (base64url, so it may hold '_' itself).
            text.ShouldNotContain(key[(key.IndexOf('_', "etk_".Length) + 1)..]);
        }

        using var reader = KeyClient(service, key);
        var read = await SendAsync(reader, HttpMethod.Get, "v1/tokens/main/value");
        read.Status.ShouldBe(HttpStatusCode.OK);
        read.Body!["value"]!.GetValue<string>().ShouldBe(value);
        read.Body!["version"]!.GetValue<long>().ShouldBe(1);
        read.Body!["appSecretProof"]!.GetValue<string>().ShouldBe(Evertoken.Graph.AppSecretProof.Compute(service.Sample.AppSecret, value));
        (await SendAsync(reader, HttpMethod.Get, "v1/tokens/other/value")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(reader, HttpMethod.Get, "v1/tokens")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(reader, HttpMethod.Post, "v1/tokens/main/rotate")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(reader, HttpMethod.Get, "v1/client-keys")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(reader, HttpMethod.Get, "v1/audit")).Status.ShouldBe(HttpStatusCode.Forbidden);

        using (var proxy = KeyClient(service, proxyOnly))
        {
            (await SendAsync(proxy, HttpMethod.Get, "v1/tokens/main/value")).Status.ShouldBe(HttpStatusCode.Forbidden);
        }

        (await SendAsync(service.Admin, HttpMethod.Get, "v1/tokens/main/value")).Status.ShouldBe(HttpStatusCode.Forbidden, "even the admin reads values only through a read-token key");
        foreach (var path in new[] { "v1/tokens", "v1/tokens/main", "v1/tokens/main/history", "v1/client-keys", "v1/audit", "v1/alerts", "v1/tokens/main/value" })
        {
            using var anonymous = await service.Anonymous.GetAsync(path, Ct);
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            // RFC 6750 §3: the challenge names the scheme.
            anonymous.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer", path);
        }

        using (var wrong = KeyClient(service, "eta_not_the_admin_key"))
        {
            (await SendAsync(wrong, HttpMethod.Get, "v1/tokens")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var audit = (await service.GetJsonAsync("v1/audit?token=main")).AsArray();
        var readEntry = audit.Single(a => (string)a!["action"]! == "token.read")!;
        readEntry["actor"]!.GetValue<string>().ShouldBe($"key:{id}");
        readEntry["detail"]!.GetValue<string>().ShouldContain(Evertoken.Tokens.TokenFingerprint.Of(value));

        (await SendAsync(service.Admin, HttpMethod.Delete, $"v1/client-keys/{id}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await SendAsync(service.Admin, HttpMethod.Delete, $"v1/client-keys/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(reader, HttpMethod.Get, "v1/tokens/main/value")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var keys = (await service.GetJsonAsync("v1/client-keys")).AsArray();
        keys.Single(k => (string)k!["id"]! == id)!["revokedAt"].ShouldNotBeNull();

        var actions = (await service.GetJsonAsync("v1/audit")).AsArray().Select(a => (string)a!["action"]!).ToList();
        actions.ShouldContain("key.created");
        actions.ShouldContain("key.revoked");
        actions.ShouldContain("token.read");
    }

    [Fact]
    public async Task Health_readiness_metrics_and_the_OpenAPI_document_are_served()
    {
        await using var service = await TestService.StartAsync();
        (await SendAsync(service.Anonymous, HttpMethod.Get, "healthz")).Status.ShouldBe(HttpStatusCode.OK);
        var ready = await SendAsync(service.Anonymous, HttpMethod.Get, "readyz");
        ready.Status.ShouldBe(HttpStatusCode.OK);

        var doomed = service.MintSystemUserToken(null);
        await service.AddTokenAsync("metrics-probe", service.MintSystemUserToken(TimeSpan.FromDays(60)));
        await service.AddTokenAsync("doomed", doomed);
        (await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens/metrics-probe/rotate")).Body!["rotated"]!.GetValue<bool>().ShouldBeTrue();
        (await SendAsync(service.Anonymous, HttpMethod.Get, "readyz")).Status.ShouldBe(HttpStatusCode.OK);

        service.Emulator.State.Invalidate(doomed, 460);
        (await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens/doomed/check")).Body!["status"]!.GetValue<string>().ShouldBe("Invalid");
        var notReady = await SendAsync(service.Anonymous, HttpMethod.Get, "readyz");
        notReady.Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        notReady.Body!["unusableTokens"]!.AsArray().Select(n => (string?)n).ShouldBe(["doomed"]);

        // The expiry gauge reads a snapshot the server refreshes every 15 seconds.
        string metrics = "";
        await Eventually.TrueAsync(async () =>
        {
            metrics = await service.Anonymous.GetStringAsync("metrics", Ct);
            return metrics.Split('\n').Any(l => l.StartsWith("evertoken_token_expiry", StringComparison.Ordinal) && l.Contains("token=\"metrics-probe\"", StringComparison.Ordinal));
        }, "the expiry gauge shows the token", TimeSpan.FromSeconds(40));
        metrics.Split('\n').ShouldContain(l => l.StartsWith("evertoken_token_refreshes_total", StringComparison.Ordinal) && l.Contains("token=\"metrics-probe\"", StringComparison.Ordinal) && l.Contains("outcome=\"rotated\"", StringComparison.Ordinal));

        using var openApi = await service.Anonymous.GetAsync("openapi/v1.json", Ct);
        openApi.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = JsonNode.Parse(await openApi.Content.ReadAsStringAsync(Ct))!;
        document["paths"]!.AsObject().Select(p => p.Key).ShouldContain("/v1/tokens");
        document["paths"]!.AsObject().Select(p => p.Key).ShouldContain("/v1/client-keys");
    }

    [Fact]
    public async Task Bad_requests_get_problem_details_without_a_stack_trace()
    {
        await using var service = await TestService.StartAsync();
        using var badJson = new StringContent("{\"name\": \"x\", \"token\": ", Encoding.UTF8, "application/json");
        var response = await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens", badJson);
        response.Status.ShouldBe(HttpStatusCode.BadRequest);
        (await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens", new { name = "bad name!", token = "x" })).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens/nope/rotate")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(service.Admin, HttpMethod.Post, "v1/tokens/nope/check")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(service.Admin, HttpMethod.Get, "v1/tokens/nope/diagnosis")).Status.ShouldBe(HttpStatusCode.NotFound);
        service.Recorder.Exchanges.ShouldAllBe(e => !e.Contains("   at ", StringComparison.Ordinal));
    }
}
