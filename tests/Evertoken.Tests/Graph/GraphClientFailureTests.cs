using System.Net;
using System.Net.Sockets;
using Evertoken.Graph;
using Microsoft.Extensions.Time.Testing;
using static Evertoken.Tests.Graph.GraphTestData;

namespace Evertoken.Tests.Graph;

/// <summary>What the client makes of answers that are not Graph answers, of no answer at all, and of cancellation.</summary>
public class GraphClientFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, "<html><body>502 Bad Gateway</body></html>", "text/html", GraphErrorKind.Transient)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", "text/plain", GraphErrorKind.Transient)]
    [InlineData(HttpStatusCode.TooManyRequests, "", "text/plain", GraphErrorKind.RateLimited)]
    [InlineData(HttpStatusCode.Unauthorized, "denied", "text/plain", GraphErrorKind.Invalidated)]
    [InlineData(HttpStatusCode.NotFound, "{\"message\":\"no\"}", "application/json", GraphErrorKind.BadRequest)]
    public async Task A_body_that_is_not_a_Graph_error_is_classified_by_the_HTTP_status(HttpStatusCode status, string body, string mediaType, GraphErrorKind kind)
    {
        var handler = new StubGraphHandler().On(HttpMethod.Get, "/v25.0/me", _ => StubGraphHandler.Text(body, mediaType, status));

        var result = await GraphClientSut.Create(handler).GetMeAsync(CallerToken, AppSecret, Ct);

        var error = result.Error.ShouldNotBeNull();
        error.Code.ShouldBe(0);
        error.HttpStatus.ShouldBe((int)status);
        error.Kind.ShouldBe(kind);
        error.Message.ShouldContain(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_garbled_success_body_is_a_transient_failure_not_an_exception()
    {
        var handler = new StubGraphHandler().On(HttpMethod.Get, "/v25.0/debug_token", _ => StubGraphHandler.Text("<html>captive portal</html>", "text/html", HttpStatusCode.OK));

        var result = await GraphClientSut.Create(handler).DebugTokenAsync(InputToken, CallerToken, AppSecret, Ct);

        var error = result.Error.ShouldNotBeNull();
        error.Kind.ShouldBe(GraphErrorKind.Transient);
        error.HttpStatus.ShouldBe(200);
        error.Message.ShouldContain("/v25.0/debug_token");
        error.Message.ShouldNotContain(InputToken);
    }

    [Fact]
    public async Task A_Graph_error_inside_a_200_is_still_read_as_the_error()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/me", FixtureFiles.Graph("error-200-not-authorized.json"));

        var result = await GraphClientSut.Create(handler).GetMeAsync(CallerToken, AppSecret, Ct);

        result.Error.ShouldNotBeNull().Kind.ShouldBe(GraphErrorKind.PermissionMissing);
    }

    [Fact]
    public async Task A_refused_connection_is_unreachable_and_the_message_names_no_token_or_secret()
    {
        var port = ClosedLoopbackPort();
        var client = GraphClient.Create(new Uri($"http://127.0.0.1:{port}/"));

        var result = await client.DebugTokenAsync(InputToken, CallerToken, AppSecret, Ct);

        var error = result.Error.ShouldNotBeNull();
        error.Code.ShouldBe(0);
        error.HttpStatus.ShouldBe(0);
        error.Kind.ShouldBe(GraphErrorKind.Transient);
        error.IsRetryable.ShouldBeTrue();
        error.Message.ShouldStartWith($"Could not reach the Graph API at http://127.0.0.1:{port}/: ");
        foreach (var secret in new[] { InputToken, CallerToken, AppSecret })
        {
            error.Message.ShouldNotContain(secret);
            error.ToString().ShouldNotContain(secret);
        }
    }

    [Fact]
    public async Task A_transport_failure_message_is_scrubbed_of_the_request_secrets()
    {
        // A lower layer that echoes the URL (with the inspected token in it) must not leak it through the error.
        var handler = new StubGraphHandler().On(HttpMethod.Get, "/v25.0/debug_token",
            r => throw new HttpRequestException($"Proxy refused {r.Uri} for {CallerToken}"));

        var result = await GraphClientSut.Create(handler).DebugTokenAsync(InputToken, CallerToken, AppSecret, Ct);

        var error = result.Error.ShouldNotBeNull();
        error.Kind.ShouldBe(GraphErrorKind.Transient);
        error.Message.ShouldStartWith("Could not reach the Graph API at https://graph.test/: Proxy refused");
        error.Message.ShouldNotContain(InputToken);
        error.Message.ShouldNotContain(CallerToken);
        error.Message.ShouldContain(Evertoken.Tokens.TokenFingerprint.Of(CallerToken));
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_transient_failure()
    {
        var time = new FakeTimeProvider(GraphClientSut.Start);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubGraphHandler().On(HttpMethod.Get, "/v25.0/me", async (_, ct) =>
        {
            reached.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var client = GraphClientSut.Create(handler, time, o => o.Timeout = TimeSpan.FromSeconds(10));

        var call = client.GetMeAsync(CallerToken, AppSecret, Ct);
        await reached.Task.WaitAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(9));
        call.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(2));
        var result = await call;

        var error = result.Error.ShouldNotBeNull();
        error.Kind.ShouldBe(GraphErrorKind.Transient);
        error.Code.ShouldBe(0);
        error.Message.ShouldBe("Could not reach the Graph API at https://graph.test/: no answer within 10 s");
    }

    [Fact]
    public async Task The_callers_cancellation_propagates_as_an_exception()
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubGraphHandler().On(HttpMethod.Get, "/v25.0/me", async (_, ct) =>
        {
            reached.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = GraphClientSut.Create(handler).GetMeAsync(CallerToken, AppSecret, cts.Token);
        await reached.Task.WaitAsync(Ct);
        await cts.CancelAsync();

        var ex = await Should.ThrowAsync<OperationCanceledException>(call);
        ex.CancellationToken.ShouldBe(cts.Token);
    }

    [Fact]
    public async Task An_already_cancelled_call_sends_nothing()
    {
        var handler = new StubGraphHandler();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => GraphClientSut.Create(handler).GetMeAsync(CallerToken, AppSecret, cts.Token));

        handler.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unplanned_call_fails_loudly()
    {
        var handler = new StubGraphHandler();

        await Should.ThrowAsync<InvalidOperationException>(() => GraphClientSut.Create(handler).GetMeAsync(CallerToken, AppSecret, Ct));
    }

    [Fact]
    public async Task Usage_headers_come_back_with_successes_and_failures()
    {
        var appUsage = FixtureFiles.Graph("header-x-app-usage-doc.json");
        var bucUsage = FixtureFiles.Graph("header-x-business-use-case-usage-doc.json");
        var handler = new StubGraphHandler()
            .OnJson(HttpMethod.Get, "/v25.0/me", """{"id":"1"}""", HttpStatusCode.OK, ("X-App-Usage", appUsage))
            .OnJson(HttpMethod.Get, $"/v25.0/{PhoneNumberId}", FixtureFiles.Graph("error-80001-buc-rate-limit-doc.json"), HttpStatusCode.Forbidden,
                ("X-Business-Use-Case-Usage", bucUsage));
        var client = GraphClientSut.Create(handler);

        var ok = await client.GetMeAsync(CallerToken, AppSecret, Ct);
        var throttled = await client.GetPhoneNumberAsync(PhoneNumberId, CallerToken, AppSecret, Ct);

        ok.Usage.ShouldNotBeNull().App.ShouldBe(new AppUsage(28, 25, 25));
        ok.Map(p => p.Id).Usage.ShouldBeSameAs(ok.Usage);
        throttled.Error.ShouldNotBeNull().Kind.ShouldBe(GraphErrorKind.RateLimited);
        throttled.Usage.ShouldNotBeNull().BusinessUseCase.Count.ShouldBe(2);
        throttled.Usage.HighestPercent.ShouldBe(97);
    }

    [Fact]
    public async Task No_usage_headers_means_no_usage()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/me", """{"id":"1"}""");

        var result = await GraphClientSut.Create(handler).GetMeAsync(CallerToken, AppSecret, Ct);

        result.Usage.ShouldBeNull();
    }

    [Fact]
    public void A_relative_or_non_http_base_url_is_a_configuration_error()
    {
        Should.Throw<ArgumentException>(() => GraphClientSut.Create(new StubGraphHandler(), configure: o => o.BaseUrl = new Uri("/graph", UriKind.Relative)));
        Should.Throw<ArgumentException>(() => GraphClientSut.Create(new StubGraphHandler(), configure: o => o.BaseUrl = new Uri("ftp://graph.test/")));
    }

    private static int ClosedLoopbackPort()
    {
        // Bind to a free port, then release it: nothing listens there afterwards.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
