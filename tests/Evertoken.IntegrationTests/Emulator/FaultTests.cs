using System.Net;

namespace Evertoken.IntegrationTests.Emulator;

public class FaultTests
{
    private static string DebugUrl(TestEmulator e) =>
        $"v25.0/debug_token?input_token={TestEmulator.Q(e.Sample.SystemUserToken)}&access_token={TestEmulator.Q(e.Sample.AppToken)}";

    [Fact]
    public async Task Status_fault_with_a_count_fails_that_many_calls_then_stops()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var fault = await emulator.ControlAsync(HttpMethod.Post, "faults", new { path = "/debug_token", status = 500, count = 2 });

        var first = await emulator.GetAsync(DebugUrl(emulator));
        var second = await emulator.GetAsync(DebugUrl(emulator));
        var third = await emulator.GetAsync(DebugUrl(emulator));

        var error = first.ShouldBeGraphError(HttpStatusCode.InternalServerError, 2, "An unexpected error has occurred. Please retry your request later.");
        error["is_transient"]!.GetValue<bool>().ShouldBeTrue();
        second.Status.ShouldBe(HttpStatusCode.InternalServerError);
        third.Status.ShouldBe(HttpStatusCode.OK);
        emulator.Host.Calls.Select(c => c.Status).ShouldBe([500, 500, 200]);
        emulator.Host.Calls[0].FaultId.ShouldBe(fault["id"]!.GetValue<string>());
        emulator.Host.Calls[2].FaultId.ShouldBeNull();
    }

    [Fact]
    public async Task Graph_code_fault_uses_metas_status_and_text()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { path = "*", graph_code = 4 });

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: emulator.Sample.SystemUserToken);

        response.ShouldBeGraphError(HttpStatusCode.Forbidden, 4, "(#4) Application request limit reached")["is_transient"]!.GetValue<bool>().ShouldBeTrue();
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/error-4-app-rate-limit.json"));
    }

    [Fact]
    public async Task Fault_can_set_code_subcode_status_and_message()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new
        {
            path = "/v21.0/oauth/access_token",
            method = "GET",
            status = 429,
            graph_code = 80007,
            graph_subcode = 2446079,
            message = "Business request limit reached for WhatsApp Business Account",
        });

        var hit = await emulator.GetAsync($"oauth/access_token?client_id={emulator.Sample.AppId}&client_secret={emulator.Sample.AppSecret}&grant_type=client_credentials");
        var otherPath = await emulator.GetAsync(DebugUrl(emulator));

        hit.ShouldBeGraphError((HttpStatusCode)429, 80007, "Business request limit reached for WhatsApp Business Account", 2446079);
        otherPath.Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Method_filter_leaves_other_methods_alone()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { path = "/" + emulator.Sample.WabaId + "/subscribed_apps", method = "POST", status = 503 });
        var path = $"v25.0/{emulator.Sample.WabaId}/subscribed_apps";

        var get = await emulator.GetAsync(path, bearer: emulator.Sample.SystemUserToken);
        var post = await emulator.PostJsonAsync(path, new { }, bearer: emulator.Sample.SystemUserToken);

        get.Status.ShouldBe(HttpStatusCode.OK);
        post.ShouldBeGraphError(HttpStatusCode.ServiceUnavailable, 2);
    }

    [Fact]
    public async Task Delay_fault_without_an_error_answers_normally_after_the_delay()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { path = "/debug_token", delay_ms = 50, count = 1 });

        var response = await emulator.GetAsync(DebugUrl(emulator));

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Data["is_valid"]!.GetValue<bool>().ShouldBeTrue();
        emulator.Host.Calls.Single().FaultId.ShouldNotBeNull();
    }

    [Fact]
    public async Task Long_delay_outlasts_a_client_timeout()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { path = "/debug_token", delay_ms = 30_000 });
        using var impatient = new HttpClient { BaseAddress = emulator.Host.BaseUrl, Timeout = TimeSpan.FromMilliseconds(200) };

        await Should.ThrowAsync<TaskCanceledException>(() => impatient.GetAsync(DebugUrl(emulator), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Timeout_fault_never_answers_and_is_recorded_with_status_0()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { path = "/debug_token", timeout = true, count = 1 });
        using var impatient = new HttpClient { BaseAddress = emulator.Host.BaseUrl, Timeout = TimeSpan.FromMilliseconds(300) };

        await Should.ThrowAsync<TaskCanceledException>(() => impatient.GetAsync(DebugUrl(emulator), TestContext.Current.CancellationToken));
        var next = await emulator.GetAsync(DebugUrl(emulator));

        next.Status.ShouldBe(HttpStatusCode.OK);
        emulator.Host.Calls.Select(c => c.Status).ShouldBe([0, 200]);
    }

    [Fact]
    public async Task Deleting_faults_restores_normal_answers()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { status = 500 });
        (await emulator.ControlAsync(HttpMethod.Get, "faults")).AsArray().Count.ShouldBe(1);

        var failing = await emulator.GetAsync(DebugUrl(emulator));
        await emulator.ControlAsync(HttpMethod.Delete, "faults");
        var healed = await emulator.GetAsync(DebugUrl(emulator));

        failing.Status.ShouldBe(HttpStatusCode.InternalServerError);
        healed.Status.ShouldBe(HttpStatusCode.OK);
        (await emulator.ControlAsync(HttpMethod.Get, "faults")).AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Faults_do_not_touch_the_control_api()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "faults", new { status = 500 });

        var sample = await emulator.ControlAsync(HttpMethod.Get, "sample");

        sample["app_id"]!.GetValue<string>().ShouldBe(emulator.Sample.AppId);
    }
}
