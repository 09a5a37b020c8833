using System.Net;
using Evertoken.Graph;
using Evertoken.Tokens;
using Microsoft.Extensions.Time.Testing;
using static Evertoken.Tests.Graph.GraphTestData;

namespace Evertoken.Tests.Graph;

/// <summary>The token endpoints: debug_token, oauth/access_token, system-user tokens, revoke, /me.</summary>
public class GraphClientTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Debug_token_sends_the_caller_token_as_bearer_with_its_proof_and_reads_the_answer()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/debug_token", FixtureFiles.Graph("debug_token-system-user-never.json"));
        var client = GraphClientSut.Create(handler);

        var result = await client.DebugTokenAsync(InputToken, CallerToken, AppSecret, Ct);

        var info = result.Value;
        info.IsValid.ShouldBeTrue();
        info.Kind.ShouldBe(TokenKind.SystemUser);
        info.NeverExpires.ShouldBeTrue();
        var request = handler.Single;
        request.Authorization.ShouldBe($"Bearer {CallerToken}");
        request.Query["input_token"].ShouldBe(InputToken);
        request.Query["appsecret_proof"].ShouldBe(ExpectedProof(AppSecret, CallerToken));
        request.Query["appsecret_time"].ShouldBeNull();
        request.Query["access_token"].ShouldBeNull();
        request.Uri.ToString().ShouldNotContain(CallerToken);
        request.Uri.ToString().ShouldNotContain(AppSecret);
    }

    [Fact]
    public async Task Debug_token_without_an_app_secret_sends_no_proof()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/debug_token", FixtureFiles.Graph("debug_token-app.json"));

        var result = await GraphClientSut.Create(handler).DebugTokenAsync(InputToken, CallerToken, cancellationToken: Ct);

        result.Value.Kind.ShouldBe(TokenKind.App);
        handler.Single.Query["appsecret_proof"].ShouldBeNull();
    }

    [Fact]
    public async Task An_expired_input_token_is_a_successful_call_describing_an_invalid_token()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/debug_token", FixtureFiles.Graph("debug_token-user-expired-463.json"));

        var result = await GraphClientSut.Create(handler).DebugTokenAsync(InputToken, CallerToken, AppSecret, Ct);

        result.IsSuccess.ShouldBeTrue();
        result.Value.IsValid.ShouldBeFalse();
        var error = result.Value.Error.ShouldNotBeNull();
        error.Kind.ShouldBe(GraphErrorKind.Expired);
        error.Subcode.ShouldBe(463);
    }

    [Fact]
    public async Task A_bad_caller_token_fails_the_call_itself()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/debug_token",
            FixtureFiles.Graph("debug_token-error-190-debug-only-token.json"), HttpStatusCode.BadRequest);

        var result = await GraphClientSut.Create(handler).DebugTokenAsync(InputToken, CallerToken, AppSecret, Ct);

        result.IsSuccess.ShouldBeFalse();
        result.Error.Code.ShouldBe(190);
        result.Error.Kind.ShouldBe(GraphErrorKind.Invalidated);
        result.Error.HttpStatus.ShouldBe(400);
        result.Error.FbTraceId.ShouldBe("AUfDHCHqpctBdmnqRGLPQbQ");
        Should.Throw<InvalidOperationException>(() => result.Value);
    }

    [Fact]
    public async Task Time_stamped_proof_signs_the_token_with_the_current_unix_time()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/debug_token", FixtureFiles.Graph("debug_token-app.json"));
        var time = new FakeTimeProvider(GraphClientSut.Start);
        var client = GraphClientSut.Create(handler, time, o => o.UseTimestampedProof = true);

        await client.DebugTokenAsync(InputToken, CallerToken, AppSecret, Ct);

        var now = GraphClientSut.Start.ToUnixTimeSeconds();
        handler.Single.Query["appsecret_time"].ShouldBe(now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        handler.Single.Query["appsecret_proof"].ShouldBe(ExpectedProof(AppSecret, $"{CallerToken}|{now}"));
    }

    [Fact]
    public async Task A_captured_Meta_error_with_its_javascript_content_type_still_reads_as_expired()
    {
        // The 2015 capture: HTTP 400, Content-Type text/javascript, WWW-Authenticate header.
        using var capture = System.Text.Json.JsonDocument.Parse(FixtureFiles.Graph("http-190-463-expired-full.json"));
        var root = capture.RootElement;
        var headers = root.GetProperty("headers").EnumerateObject()
            .Where(h => h.Name is "WWW-Authenticate" or "X-FB-Trace-ID")
            .Select(h => (h.Name, h.Value.GetString()!)).ToArray();
        var handler = new StubGraphHandler().On(HttpMethod.Get, "/v25.0/me", _ => StubGraphHandler.Text(
            root.GetProperty("body").GetRawText(), "text/javascript", (HttpStatusCode)root.GetProperty("status").GetInt32(), headers));

        var result = await GraphClientSut.Create(handler).GetMeAsync(CallerToken, AppSecret, Ct);

        result.Error.ShouldNotBeNull().Kind.ShouldBe(GraphErrorKind.Expired);
        result.Error.HttpStatus.ShouldBe(400);
        result.Error.IsTokenProblem.ShouldBeTrue();
    }

    [Fact]
    public async Task Exchange_asks_for_a_long_lived_token_with_the_app_credentials()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/oauth/access_token", FixtureFiles.Graph("oauth-exchange-long-lived-user.json"));

        var result = await GraphClientSut.Create(handler).ExchangeTokenAsync(App, InputToken, cancellationToken: Ct);

        result.Value.AccessToken.ShouldStartWith("EAAFAKElongLived");
        result.Value.TokenType.ShouldBe("bearer");
        result.Value.ExpiresIn.ShouldBe(TimeSpan.FromSeconds(5183944));
        var query = handler.Single.Query;
        query["grant_type"].ShouldBe("fb_exchange_token");
        query["client_id"].ShouldBe(AppId);
        query["client_secret"].ShouldBe(AppSecret);
        query["fb_exchange_token"].ShouldBe(InputToken);
        query["set_token_expires_in_60_days"].ShouldBeNull();
        handler.Single.Authorization.ShouldBeNull();
    }

    [Fact]
    public async Task System_user_refresh_asks_for_another_60_days()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/oauth/access_token", FixtureFiles.Graph("oauth-refresh-system-user-60d.json"));

        var result = await GraphClientSut.Create(handler).ExchangeTokenAsync(App, InputToken, systemUser60Days: true, Ct);

        result.Value.AccessToken.ShouldStartWith("EAAFAKEexpiringSystemUser");
        handler.Single.Query["set_token_expires_in_60_days"].ShouldBe("true");
        handler.Single.Query["grant_type"].ShouldBe("fb_exchange_token");
    }

    [Fact]
    public async Task Exchange_without_expires_in_gives_an_unknown_lifetime()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/oauth/access_token",
            """{"access_token":"EAAFAKEnoExpiryxxxxxxxxxxxxxxxx","token_type":"bearer"}""");

        var result = await GraphClientSut.Create(handler).ExchangeTokenAsync(App, InputToken, cancellationToken: Ct);

        result.Value.ExpiresIn.ShouldBeNull();
        result.Value.ExpiresAtFrom(GraphClientSut.Start).ShouldBeNull();
    }

    [Fact]
    public async Task A_wrong_client_secret_fails_as_bad_app_secret()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/oauth/access_token",
            FixtureFiles.Graph("error-1-invalid-client-secret.json"), HttpStatusCode.BadRequest);

        var result = await GraphClientSut.Create(handler).ExchangeTokenAsync(App, InputToken, cancellationToken: Ct);

        result.Error.ShouldNotBeNull().Kind.ShouldBe(GraphErrorKind.BadAppSecret);
        result.Error.Message.ShouldNotContain(AppSecret);
    }

    [Fact]
    public async Task Code_exchange_sends_client_id_secret_code_and_redirect_uri()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/oauth/access_token",
            """{"access_token":"EAAFAKEbusinessTokenxxxxxxxxxxxxxxxxx","token_type":"bearer"}""");

        var result = await GraphClientSut.Create(handler).ExchangeCodeAsync(App, "AQDfakeCode", "https://example.test/signup", Ct);

        result.Value.AccessToken.ShouldStartWith("EAAFAKEbusinessToken");
        var query = handler.Single.Query;
        query["client_id"].ShouldBe(AppId);
        query["client_secret"].ShouldBe(AppSecret);
        query["code"].ShouldBe("AQDfakeCode");
        query["redirect_uri"].ShouldBe("https://example.test/signup");
        query["grant_type"].ShouldBeNull();
    }

    [Fact]
    public async Task App_token_uses_client_credentials_and_has_no_expiry()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/oauth/access_token", FixtureFiles.Graph("oauth-client-credentials-app-token.json"));

        var result = await GraphClientSut.Create(handler).GetAppTokenAsync(App, Ct);

        result.Value.AccessToken.ShouldStartWith("257422819769992|");
        result.Value.ExpiresIn.ShouldBeNull();
        handler.Single.Query["grant_type"].ShouldBe("client_credentials");
        handler.Single.Query["client_id"].ShouldBe(AppId);
        handler.Single.Authorization.ShouldBeNull();
    }

    [Theory]
    [InlineData("{\"success\":true}", true)]
    [InlineData("true", true)]
    [InlineData("{\"success\":false}", false)]
    public async Task Installing_the_app_posts_business_app_with_the_admin_proof(string body, bool expected)
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Post, $"/v25.0/{SystemUserId}/applications", body);

        var result = await GraphClientSut.Create(handler).InstallAppAsync(SystemUserId, App, AdminToken, Ct);

        result.Value.ShouldBe(expected);
        var request = handler.Single;
        request.Authorization.ShouldBe($"Bearer {AdminToken}");
        request.ContentType.ShouldBe("application/x-www-form-urlencoded");
        request.Form["business_app"].ShouldBe(AppId);
        request.Form["appsecret_proof"].ShouldBe(ExpectedProof(AppSecret, AdminToken));
        request.Form["access_token"].ShouldBeNull();
        request.Uri.Query.ShouldBeEmpty();
    }

    [Fact]
    public async Task Creating_a_system_user_token_posts_the_form_with_the_required_proof()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Post, $"/v25.0/{SystemUserId}/access_tokens", FixtureFiles.Graph("system-user-access-tokens-create.json"));

        var result = await GraphClientSut.Create(handler).CreateSystemUserTokenAsync(
            SystemUserId, App, AdminToken, ["whatsapp_business_management", "whatsapp_business_messaging"], expiresIn60Days: true, Ct);

        result.Value.AccessToken.ShouldStartWith("EAAFAKEsystemUser");
        result.Value.ExpiresIn.ShouldBeNull();
        var request = handler.Single;
        request.Authorization.ShouldBe($"Bearer {AdminToken}");
        request.ContentType.ShouldBe("application/x-www-form-urlencoded");
        request.Form["business_app"].ShouldBe(AppId);
        request.Form["scope"].ShouldBe("whatsapp_business_management,whatsapp_business_messaging");
        request.Form["set_token_expires_in_60_days"].ShouldBe("true");
        request.Form["appsecret_proof"].ShouldBe(ExpectedProof(AppSecret, AdminToken));
        request.Uri.ToString().ShouldNotContain(AdminToken);
    }

    [Fact]
    public async Task A_non_expiring_system_user_token_leaves_the_60_day_flag_out()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Post, $"/v25.0/{SystemUserId}/access_tokens", FixtureFiles.Graph("system-user-access-tokens-create.json"));

        await GraphClientSut.Create(handler).CreateSystemUserTokenAsync(SystemUserId, App, AdminToken, ["whatsapp_business_messaging"], expiresIn60Days: false, Ct);

        handler.Single.Form["set_token_expires_in_60_days"].ShouldBeNull();
    }

    [Fact]
    public async Task A_system_user_token_needs_at_least_one_scope()
    {
        var client = GraphClientSut.Create(new StubGraphHandler());

        await Should.ThrowAsync<ArgumentException>(() => client.CreateSystemUserTokenAsync(SystemUserId, App, AdminToken, [], true, Ct));
        await Should.ThrowAsync<ArgumentException>(() => client.CreateSystemUserTokenAsync(SystemUserId, App, AdminToken, ["ok", " "], true, Ct));
    }

    [Theory]
    [InlineData("{\"success\":\"true\",}")]
    [InlineData("{\"success\":true}")]
    [InlineData("oauth-revoke-success.json")]
    public async Task Revoke_sends_the_token_to_kill_and_accepts_every_documented_success(string bodyOrFixture)
    {
        var body = bodyOrFixture.EndsWith(".json", StringComparison.Ordinal) ? FixtureFiles.Graph(bodyOrFixture) : bodyOrFixture;
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/oauth/revoke", body);

        var result = await GraphClientSut.Create(handler).RevokeTokenAsync(App, InputToken, CallerToken, Ct);

        result.Value.ShouldBeTrue();
        var request = handler.Single;
        request.Query["client_id"].ShouldBe(AppId);
        request.Query["client_secret"].ShouldBe(AppSecret);
        request.Query["revoke_token"].ShouldBe(InputToken);
        request.Query["appsecret_proof"].ShouldBe(ExpectedProof(AppSecret, CallerToken));
        request.Authorization.ShouldBe($"Bearer {CallerToken}");
        request.Uri.ToString().ShouldNotContain(CallerToken);
    }

    [Fact]
    public async Task Me_reads_the_id_and_name_behind_the_token()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/me", """{"name":"evertoken-bot","id":"104169029247128"}""");

        var result = await GraphClientSut.Create(handler).GetMeAsync(CallerToken, AppSecret, Ct);

        result.Value.ShouldBe(new GraphProfile("104169029247128", "evertoken-bot"));
        handler.Single.Authorization.ShouldBe($"Bearer {CallerToken}");
        handler.Single.Query["appsecret_proof"].ShouldBe(ExpectedProof(AppSecret, CallerToken));
    }

    [Fact]
    public async Task System_users_are_listed_across_pages()
    {
        var handler = new StubGraphHandler().On(HttpMethod.Get, $"/v25.0/{BusinessId}/system_users", r => StubGraphHandler.Json(r.Query["after"] switch
        {
            null => """{"data":[{"id":"1","name":"evertoken","role":"ADMIN"}],"paging":{"cursors":{"before":"b1","after":"a1"},"next":"https://graph.test/v25.0/x?after=a1"}}""",
            "a1" => """{"data":[{"id":"2","name":"backup","role":"EMPLOYEE"}],"paging":{"cursors":{"before":"b2","after":"a2"}}}""",
            var other => throw new InvalidOperationException($"unexpected cursor {other}"),
        }));

        var result = await GraphClientSut.Create(handler).ListSystemUsersAsync(BusinessId, AdminToken, AppSecret, Ct);

        result.Value.ShouldBe([new SystemUserInfo("1", "evertoken", "ADMIN"), new SystemUserInfo("2", "backup", "EMPLOYEE")]);
        handler.Requests.Count.ShouldBe(2);
        handler.Requests.ShouldAllBe(r => r.Authorization == $"Bearer {AdminToken}");
    }

    [Fact]
    public async Task Null_or_blank_arguments_are_programming_errors()
    {
        var client = GraphClientSut.Create(new StubGraphHandler());

        await Should.ThrowAsync<ArgumentException>(() => client.DebugTokenAsync("", CallerToken, cancellationToken: Ct));
        await Should.ThrowAsync<ArgumentException>(() => client.GetMeAsync(" ", cancellationToken: Ct));
        await Should.ThrowAsync<ArgumentNullException>(() => client.GetAppTokenAsync(null!, Ct));
    }
}
