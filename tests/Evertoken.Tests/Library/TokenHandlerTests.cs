using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Web;
using Evertoken.Graph;
using Evertoken.Http;
using Evertoken.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.Tests.Library;

/// <summary>The handler alone, over a scripted terminal handler that fails loudly on any call it was not given.</summary>
public sealed class TokenHandlerTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private static readonly CurrentToken First = new("main", "EAAfirst-token-value", 1, TokenKind.SystemUser, null, "1234", Secret);
    private static readonly CurrentToken Second = new("main", "EAAsecond-token-value", 2, TokenKind.SystemUser, null, "1234", Secret);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_synchronous_Send_is_not_supported()
    {
        using var client = CreateSut(new ScriptedGraph(Ok()), out _);

        Should.Throw<NotSupportedException>(() => client.Send(new HttpRequestMessage(HttpMethod.Get, "123"), Ct));
    }

    [Fact]
    public async Task Adds_the_bearer_token_and_the_classic_proof_keeping_the_other_parameters()
    {
        var graph = new ScriptedGraph(Ok());
        using var client = CreateSut(graph, out _);

        using var response = await client.GetAsync("123?fields=id,display_phone_number", Ct);

        var sent = graph.Requests.ShouldHaveSingleItem();
        sent.Authorization.ShouldBe("Bearer " + First.Value);
        var query = HttpUtility.ParseQueryString(sent.Uri.Query);
        query["fields"].ShouldBe("id,display_phone_number");
        query["appsecret_proof"].ShouldBe(AppSecretProof.Compute(Secret, First.Value));
        query.Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_access_token_or_an_old_proof_in_the_query_is_replaced_and_the_fragment_kept()
    {
        var graph = new ScriptedGraph(Ok());
        using var client = CreateSut(graph, out _);

        using var response = await client.GetAsync("123?access_token=EAAold&fields=id&appsecret_proof=stale&appsecret_time=1#part", Ct);

        var sent = graph.Requests.ShouldHaveSingleItem();
        var query = HttpUtility.ParseQueryString(sent.Uri.Query);
        query.AllKeys.ShouldBe(["fields", "appsecret_proof"]);
        query["appsecret_proof"].ShouldBe(AppSecretProof.Compute(Secret, First.Value));
        sent.Uri.Fragment.ShouldBe("#part");
    }

    [Fact]
    public async Task Without_an_app_secret_no_proof_is_sent()
    {
        var graph = new ScriptedGraph(Ok());
        var noSecret = new CurrentToken("main", "EAAno-secret-token", 1, TokenKind.SystemUser, null, null, null);
        using var client = CreateSut(graph, out _, current: noSecret);

        using var response = await client.GetAsync("123?fields=id", Ct);

        graph.Requests.ShouldHaveSingleItem().Uri.Query.ShouldBe("?fields=id");
    }

    [Fact]
    public async Task The_time_stamped_proof_is_computed_for_the_clock_s_current_second()
    {
        var graph = new ScriptedGraph(Ok());
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var client = CreateSut(graph, out _, options: new GraphOptions { UseTimestampedProof = true }, time: time);

        using var response = await client.GetAsync("123", Ct);

        var query = HttpUtility.ParseQueryString(graph.Requests.ShouldHaveSingleItem().Uri.Query);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        query["appsecret_time"].ShouldBe(now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        query["appsecret_proof"].ShouldBe(AppSecretProof.Compute(Secret, First.Value, now));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task A_190_renews_the_token_and_retries_once_with_the_new_version(HttpStatusCode status)
    {
        var graph = new ScriptedGraph(GraphError(status, 190), Ok());
        using var client = CreateSut(graph, out var keeper);

        using var response = await client.PostAsync("123/messages", new StringContent("{\"to\":\"1\"}", Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        keeper.Refreshes.ShouldBe([1L]);
        graph.Requests.Select(r => r.Authorization).ShouldBe(["Bearer " + First.Value, "Bearer " + Second.Value]);
        graph.Requests.Select(r => r.Body).ShouldBe(["{\"to\":\"1\"}", "{\"to\":\"1\"}"]);
        HttpUtility.ParseQueryString(graph.Requests[1].Uri.Query)["appsecret_proof"].ShouldBe(AppSecretProof.Compute(Secret, Second.Value));
    }

    [Fact]
    public async Task A_second_190_goes_to_the_caller_without_another_renewal()
    {
        var graph = new ScriptedGraph(GraphError(HttpStatusCode.BadRequest, 190), GraphError(HttpStatusCode.BadRequest, 190));
        using var client = CreateSut(graph, out var keeper);

        using var response = await client.GetAsync("123", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        keeper.Refreshes.Count.ShouldBe(1);
        graph.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task When_no_newer_version_can_be_had_the_caller_gets_the_190_and_its_body()
    {
        var graph = new ScriptedGraph(GraphError(HttpStatusCode.BadRequest, 190));
        using var client = CreateSut(graph, out var keeper, noNext: true);

        using var response = await client.GetAsync("123", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("\"code\":190");
        keeper.Refreshes.Count.ShouldBe(1);
        graph.Requests.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "{\"error\":{\"code\":100,\"message\":\"Invalid parameter\"}}")]
    [InlineData(HttpStatusCode.TooManyRequests, "{\"error\":{\"code\":190}}")]
    [InlineData(HttpStatusCode.BadRequest, "<html>not json</html>")]
    [InlineData(HttpStatusCode.Forbidden, "{\"error\":\"190\"}")]
    public async Task Other_answers_are_returned_as_they_are_without_renewal(HttpStatusCode status, string body)
    {
        var graph = new ScriptedGraph(new Func<HttpResponseMessage>(() => new HttpResponseMessage(status) { Content = new StringContent(body) }));
        using var client = CreateSut(graph, out var keeper);

        using var response = await client.GetAsync("123", Ct);

        response.StatusCode.ShouldBe(status);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe(body);
        keeper.Refreshes.ShouldBeEmpty();
        graph.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_streamed_body_is_not_sent_twice_but_the_token_is_renewed_for_the_next_call()
    {
        var graph = new ScriptedGraph(GraphError(HttpStatusCode.BadRequest, 190), Ok());
        using var client = CreateSut(graph, out var keeper);

        using var response = await client.PostAsync("123/media", new StreamContent(new MemoryStream([1, 2, 3])), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("\"code\":190");
        graph.Requests.Count.ShouldBe(1);
        keeper.Refreshes.ShouldBe([1L]);

        using var next = await client.GetAsync("123", Ct);
        graph.Requests[1].Authorization.ShouldBe("Bearer " + Second.Value);
    }

    [Fact]
    public void Buffered_bodies_are_replayable_and_streams_are_not()
    {
        TokenHandler.IsReplayable(null).ShouldBeTrue();
        TokenHandler.IsReplayable(new StringContent("x")).ShouldBeTrue();
        TokenHandler.IsReplayable(new ByteArrayContent([1])).ShouldBeTrue();
        TokenHandler.IsReplayable(new FormUrlEncodedContent([new("a", "b")])).ShouldBeTrue();
        TokenHandler.IsReplayable(new ReadOnlyMemoryContent(new byte[] { 1 })).ShouldBeTrue();
        TokenHandler.IsReplayable(JsonContent.Create(new { to = "1" })).ShouldBeTrue();
        TokenHandler.IsReplayable(new MultipartFormDataContent { new StringContent("x") }).ShouldBeTrue();
        TokenHandler.IsReplayable(new StreamContent(new MemoryStream())).ShouldBeFalse();
        TokenHandler.IsReplayable(new MultipartFormDataContent { new StringContent("x"), new StreamContent(new MemoryStream()) }).ShouldBeFalse();
    }

    private static HttpClient CreateSut(ScriptedGraph graph, out FakeKeeper keeper, CurrentToken? current = null, GraphOptions? options = null,
        TimeProvider? time = null, bool noNext = false)
    {
        keeper = new FakeKeeper(current ?? First, noNext ? null : Second);
        var handler = new TokenHandler(keeper, "main", options, time, null) { InnerHandler = graph };
        return new HttpClient(handler) { BaseAddress = new Uri("https://graph.example/v25.0/") };
    }

    private static Func<HttpResponseMessage> Ok() => () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"id\":\"123\"}") };

    private static Func<HttpResponseMessage> GraphError(HttpStatusCode status, int code) => () => new HttpResponseMessage(status)
    {
        Content = new StringContent($"{{\"error\":{{\"message\":\"Error validating access token\",\"type\":\"OAuthException\",\"code\":{code},\"fbtrace_id\":\"A1\"}}}}", Encoding.UTF8, "application/json"),
    };

    /// <summary>Answers each call with the next scripted response; a call past the script fails the test.</summary>
    private sealed class ScriptedGraph(params Func<HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public List<(Uri Uri, string? Authorization, string? Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.RequestUri!, request.Headers.Authorization?.ToString(), body));
            return Requests.Count <= script.Length
                ? script[Requests.Count - 1]()
                : throw new InvalidOperationException($"Unplanned call #{Requests.Count} to {request.RequestUri}");
        }
    }

    /// <summary>Hands out <c>current</c>; a refresh rejecting it moves to <c>next</c> when there is one.</summary>
    private sealed class FakeKeeper(CurrentToken current, CurrentToken? next) : ITokenKeeper
    {
        private CurrentToken _current = current;

        public List<long?> Refreshes { get; } = [];

        public ValueTask<CurrentToken> GetAsync(string name, CancellationToken cancellationToken = default) => ValueTask.FromResult(_current);

        public Task<RefreshOutcome> RefreshAsync(string name, long? rejectedVersion = null, CancellationToken cancellationToken = default)
        {
            Refreshes.Add(rejectedVersion);
            if (next is not null && rejectedVersion == _current.Version)
            {
                _current = next;
                return Task.FromResult(new RefreshOutcome(_current, Rotated: true));
            }

            return Task.FromResult(new RefreshOutcome(_current, Rotated: false, Skipped: "cannot be renewed"));
        }

        public Task<TokenCheckOutcome> CheckAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public void Evict(string name)
        {
        }
    }
}
