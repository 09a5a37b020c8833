using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Evertoken.Alerts;
using Evertoken.Emulator.Netlify;
using Evertoken.Sinks;
using Microsoft.Extensions.Options;

namespace Evertoken.IntegrationTests.Sinks;

public sealed class NetlifyEnvSinkTests : IAsyncLifetime
{
    private const string Account = "acme-team";
    private const string Site = "5f1c0e2a9b7d4c3e8f6a1b2c";
    private const string NetlifyToken = "nfp_PERSONALACCESSTOKEN0123456789";
    private const string Key = "WHATSAPP_ACCESS_TOKEN";

    private readonly ObservingTimeProvider _time = new();
    private readonly HttpClient _http = new();
    private readonly CapturingLogger<NetlifyEnvSink> _log = new();
    private NetlifyFake _fake = null!;
    private LoopbackApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _fake = new NetlifyFake(_time);
        _fake.AddAccount(Account, NetlifyToken);
        _fake.AddSite(Account, Site);
        _app = await LoopbackApp.StartAsync(app => app.MapNetlifyFake(_fake));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private NetlifyEnvSink CreateSut(Action<NetlifyEnvSinkOptions>? configure = null)
    {
        var options = new NetlifyEnvSinkOptions
        {
            ApiBaseUrl = new Uri(_app.BaseAddress, "netlify/api/v1/"),
            AccessToken = NetlifyToken,
            AccountId = Account,
            SiteId = Site,
        };
        configure?.Invoke(options);
        return new NetlifyEnvSink(_http, options, _time, _log);
    }

    private Task<SinkResult> PushAsync(NetlifyEnvSink sink, long version = 3) =>
        _time.DriveAsync(sink.PushAsync(TestTokens.Push(version), TestContext.Current.CancellationToken));

    private void ShouldHaveNoSecretInLogs()
    {
        _log.Lines.ShouldAllBe(l => !l.Contains(TestTokens.Value) && !l.Contains(NetlifyToken));
    }

    [Fact]
    public async Task An_absent_variable_is_created_with_all_scopes_then_a_build_is_started()
    {
        var result = await PushAsync(CreateSut());

        result.ShouldBe(SinkResult.Ok);
        _fake.GetValue(Account, Site, Key, "production").ShouldBe(TestTokens.Value);
        _fake.ScopesOf(Account, Site, Key).ShouldBe(["builds", "functions", "runtime", "post-processing"]);
        _fake.IsSecret(Account, Site, Key).ShouldBe(false);
        _fake.BuildCount(Site).ShouldBe(1);
        _fake.Requests.ShouldBe([
            $"GET /netlify/api/v1/accounts/{Account}/env/{Key}?site_id={Site}",
            $"POST /netlify/api/v1/accounts/{Account}/env?site_id={Site}",
            $"POST /netlify/api/v1/sites/{Site}/builds",
        ]);
        _log.Lines.ShouldNotBeEmpty();
        ShouldHaveNoSecretInLogs();
    }

    [Fact]
    public async Task An_existing_variable_gets_only_its_context_patched_and_other_contexts_are_kept()
    {
        _fake.SetVariable(Account, Site, Key, "production", "EAAold");
        _fake.SetVariable(Account, Site, Key, "dev", "EAAdev-token");

        var result = await PushAsync(CreateSut());

        result.ShouldBe(SinkResult.Ok);
        _fake.GetValue(Account, Site, Key, "production").ShouldBe(TestTokens.Value);
        _fake.GetValue(Account, Site, Key, "dev").ShouldBe("EAAdev-token");
        _fake.Requests[1].ShouldBe($"PATCH /netlify/api/v1/accounts/{Account}/env/{Key}?site_id={Site}");
    }

    [Fact]
    public async Task A_branch_context_is_set_with_its_branch_name()
    {
        _fake.SetVariable(Account, Site, Key, "production", "EAAprod");

        var result = await PushAsync(CreateSut(o =>
        {
            o.Context = "branch";
            o.ContextParameter = "staging";
        }));

        result.ShouldBe(SinkResult.Ok);
        _fake.GetValue(Account, Site, Key, "branch", "staging").ShouldBe(TestTokens.Value);
        _fake.GetValue(Account, Site, Key, "production").ShouldBe("EAAprod");
    }

    [Fact]
    public async Task A_secret_variable_is_replaced_by_delete_then_create_and_stays_secret()
    {
        _fake.SetVariable(Account, Site, Key, "production", "EAAold", isSecret: true);

        var result = await PushAsync(CreateSut());

        result.ShouldBe(SinkResult.Ok);
        _fake.IsSecret(Account, Site, Key).ShouldBe(true);
        _fake.GetValue(Account, Site, Key, "production").ShouldBe(TestTokens.Value);
        _fake.Requests.Select(r => r.Split(' ')[0]).ShouldBe(["GET", "DELETE", "POST", "POST"]);
    }

    [Fact]
    public async Task The_fake_never_returns_a_secret_value_over_http()
    {
        _fake.SetVariable(Account, Site, Key, "production", "EAAhidden", isSecret: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_app.BaseAddress, $"netlify/api/v1/accounts/{Account}/env/{Key}?site_id={Site}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NetlifyToken);

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.GetProperty("is_secret").GetBoolean().ShouldBeTrue();
        var value = json.GetProperty("values")[0];
        value.GetProperty("context").GetString().ShouldBe("production");
        value.TryGetProperty("value", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_refused_access_token_is_permanent_and_the_message_holds_no_secret()
    {
        var result = await PushAsync(CreateSut(o => o.AccessToken = "nfp_WRONGTOKEN"));

        result.Success.ShouldBeFalse();
        result.Retryable.ShouldBeFalse();
        result.Error.ShouldNotBeNull().ShouldContain("Netlify refused the access token (HTTP 401)");
        result.Error.ShouldNotContain("nfp_WRONGTOKEN");
        result.Error.ShouldNotContain(TestTokens.Value);
        _fake.BuildCount(Site).ShouldBe(0);
    }

    [Fact]
    public async Task A_server_error_is_transient()
    {
        _fake.FailNext(1, 502);

        var result = await PushAsync(CreateSut());

        result.Success.ShouldBeFalse();
        result.Retryable.ShouldBeTrue();
        result.Error.ShouldNotBeNull().ShouldContain("HTTP 502");
        _fake.GetValue(Account, Site, Key).ShouldBeNull();
    }

    [Fact]
    public async Task Rate_limiting_waits_until_the_reset_time_then_retries()
    {
        _fake.FailNext(2, 429, retryAfter: TimeSpan.FromSeconds(30));

        var result = await PushAsync(CreateSut());

        result.ShouldBe(SinkResult.Ok);
        _time.AllRequested.ShouldBe([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)]);
        _fake.GetValue(Account, Site, Key).ShouldBe(TestTokens.Value);
        _log.Lines.Count(l => l.Contains("rate limited")).ShouldBe(2);
        ShouldHaveNoSecretInLogs();
    }

    [Fact]
    public async Task Rate_limiting_that_does_not_stop_is_transient_after_a_few_retries()
    {
        _fake.FailNext(10, 429, retryAfter: TimeSpan.FromHours(1));

        var result = await PushAsync(CreateSut(o => o.MaxRateLimitRetries = 2));

        result.Retryable.ShouldBeTrue();
        result.Error.ShouldNotBeNull().ShouldContain("rate limiting (HTTP 429)");
        _time.AllRequested.ShouldBe([TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)]); // capped by MaxRateLimitWait
        _fake.Requests.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_build_hook_redeploy_calls_the_hook_without_the_token()
    {
        var hook = _fake.AddBuildHook(Site);

        var result = await PushAsync(CreateSut(o =>
        {
            o.Redeploy = NetlifyRedeploy.BuildHook;
            o.BuildHookUrl = new Uri(_app.BaseAddress, $"netlify/build_hooks/{hook}");
        }));

        result.ShouldBe(SinkResult.Ok);
        _fake.HookCallCount(hook).ShouldBe(1);
        _fake.Requests.ShouldNotContain(r => r.Contains("/builds", StringComparison.Ordinal));
        _log.Lines.ShouldAllBe(l => !l.Contains(hook));
    }

    [Fact]
    public async Task A_deleted_build_hook_is_a_permanent_failure()
    {
        var result = await PushAsync(CreateSut(o =>
        {
            o.Redeploy = NetlifyRedeploy.BuildHook;
            o.BuildHookUrl = new Uri(_app.BaseAddress, "netlify/build_hooks/0123456789abcdef01234567");
        }));

        result.Retryable.ShouldBeFalse();
        result.Error.ShouldNotBeNull().ShouldContain("404");
        result.Error.ShouldNotContain("0123456789abcdef01234567");
    }

    [Fact]
    public async Task No_redeploy_only_sets_the_variable()
    {
        var result = await PushAsync(CreateSut(o => o.Redeploy = NetlifyRedeploy.None));

        result.ShouldBe(SinkResult.Ok);
        _fake.BuildCount(Site).ShouldBe(0);
        _fake.GetValue(Account, Site, Key).ShouldBe(TestTokens.Value);
    }

    [Fact]
    public async Task An_unknown_site_is_a_permanent_failure()
    {
        var result = await PushAsync(CreateSut(o => o.SiteId = "000000000000000000000000"));

        result.Retryable.ShouldBeFalse();
        result.Error.ShouldNotBeNull().ShouldContain("site id '000000000000000000000000'");
    }

    [Fact]
    public async Task The_dispatcher_retries_an_outage_over_http_until_netlify_takes_the_token()
    {
        _fake.FailNext(2, 503);
        var dispatcher = new SinkDispatcher(
            new AlertManager([], _time),
            _time,
            Options.Create(new SinkDispatcherOptions { Jitter = 0 }));

        var status = (await _time.DriveAsync(dispatcher.PushAsync(
            TestTokens.Push(), [new NamedSink("netlify-prod", CreateSut())], TestContext.Current.CancellationToken))).Single();

        status.State.ShouldBe(SinkState.Ok);
        status.Attempts.ShouldBe(3);
        _fake.GetValue(Account, Site, Key).ShouldBe(TestTokens.Value);
        _fake.BuildCount(Site).ShouldBe(1);
    }

    [Fact]
    public async Task A_second_rotation_overwrites_the_value_and_starts_another_build()
    {
        var sut = CreateSut();

        await PushAsync(sut, version: 3);
        var result = await _time.DriveAsync(sut.PushAsync(TestTokens.Push(4, "EAAnewer-token-value-000000000000"), TestContext.Current.CancellationToken));

        result.ShouldBe(SinkResult.Ok);
        _fake.GetValue(Account, Site, Key).ShouldBe("EAAnewer-token-value-000000000000");
        _fake.BuildCount(Site).ShouldBe(2);
    }
}
