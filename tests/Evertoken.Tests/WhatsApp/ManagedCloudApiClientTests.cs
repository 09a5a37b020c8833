using System.Net;
using System.Text;
using Evertoken.Graph;
using Evertoken.Tokens;
using Evertoken.WhatsApp;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.Tests.WhatsApp;

public class ManagedCloudApiClientTests
{
    private const string Phone = "106540352242922";
    private const string AppSecret = "app-secret-for-tests";
    private const string TokenV1 = "EAAGtokenversion1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    private const string TokenV2 = "EAAGtokenversion2yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly HeaderRecordingHandler _handler = new();
    private readonly FakeKeeper _keeper = new();

    private ManagedCloudApiClient CreateSut(int perSecond = 80, TimeSpan? maxQueueDelay = null)
    {
        var graph = Options.Create(new GraphOptions { BaseUrl = new Uri("https://graph.example.test/"), Version = "v25.0" });
        var throttle = new MessageThrottle(Options.Create(new MessageThrottleOptions { MessagesPerSecond = perSecond, MaxQueueDelay = maxQueueDelay ?? TimeSpan.FromSeconds(2) }), _time);
        return new ManagedCloudApiClient(new CloudApiClient(new HttpClient(_handler), graph), _keeper, throttle, graph, _time);
    }

    [Fact]
    public async Task The_managed_token_goes_in_the_bearer_header_with_its_appsecret_proof()
    {
        _handler.Answers.Enqueue((HttpStatusCode.OK, WhatsAppFixtures.Text("response.send-message.json")));

        var result = await CreateSut().SendAsync("main", Phone, WhatsAppMessage.Text("+15550001111", "hi"), TestContext.Current.CancellationToken);

        result.IsSuccess.ShouldBeTrue();
        var call = _handler.Calls.ShouldHaveSingleItem();
        call.Authorization.ShouldBe("Bearer " + TokenV1);
        call.Uri.AbsolutePath.ShouldBe($"/v25.0/{Phone}/messages");
        call.Uri.Query.ShouldBe("?appsecret_proof=" + AppSecretProof.Compute(AppSecret, TokenV1));
        call.Uri.Query.ShouldNotContain(TokenV1);
    }

    [Fact]
    public async Task A_190_refreshes_the_token_once_and_retries_with_the_new_version()
    {
        _handler.Answers.Enqueue((HttpStatusCode.Unauthorized, WhatsAppFixtures.Text("error.graph.401-expired-token.json")));
        _handler.Answers.Enqueue((HttpStatusCode.OK, WhatsAppFixtures.Text("response.send-message.json")));

        var result = await CreateSut().SendAsync("main", Phone, WhatsAppMessage.Text("+15550001111", "hi"), TestContext.Current.CancellationToken);

        result.IsSuccess.ShouldBeTrue();
        result.Value.Wamid.ShouldStartWith("wamid.");
        _keeper.Refreshes.ShouldBe([("main", (long?)1)]);
        _handler.Calls.Select(c => c.Authorization).ShouldBe(["Bearer " + TokenV1, "Bearer " + TokenV2]);
    }

    [Fact]
    public async Task When_the_refresh_makes_no_new_version_the_rejection_is_returned_without_a_second_call()
    {
        _keeper.RefreshGivesNewVersion = false;
        _handler.Answers.Enqueue((HttpStatusCode.Unauthorized, WhatsAppFixtures.Text("error.graph.401-invalid-token.json")));

        var result = await CreateSut().SendAsync("main", Phone, WhatsAppMessage.Text("+15550001111", "hi"), TestContext.Current.CancellationToken);

        result.IsSuccess.ShouldBeFalse();
        result.Error!.Code.ShouldBe(190);
        _keeper.Refreshes.Count.ShouldBe(1);
        _handler.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Other_errors_are_returned_as_they_are_without_refresh_or_retry()
    {
        _handler.Answers.Enqueue((HttpStatusCode.BadRequest, WhatsAppFixtures.Text("error.send.131047-re-engagement.json")));

        var result = await CreateSut().SendAsync("main", Phone, WhatsAppMessage.Text("+15550001111", "hi"), TestContext.Current.CancellationToken);

        result.Error!.WhatsAppKind.ShouldBe(WhatsAppErrorKind.OutsideCustomerServiceWindow);
        _keeper.Refreshes.ShouldBeEmpty();
        _handler.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_answer_without_a_wamid_is_never_reported_as_sent()
    {
        _handler.Answers.Enqueue((HttpStatusCode.OK, """{"messaging_product":"whatsapp","contacts":[{"input":"1","wa_id":"1"}],"messages":[{}]}"""));

        var result = await CreateSut().SendAsync("main", Phone, WhatsAppMessage.Text("+15550001111", "hi"), TestContext.Current.CancellationToken);

        result.IsSuccess.ShouldBeFalse();
    }

    [Fact]
    public async Task A_number_over_its_throughput_is_refused_before_any_call_to_Meta()
    {
        _handler.Answers.Enqueue((HttpStatusCode.OK, WhatsAppFixtures.Text("response.send-message.json")));
        var sut = CreateSut(perSecond: 1, maxQueueDelay: TimeSpan.Zero);
        await sut.SendAsync("main", Phone, WhatsAppMessage.Text("+15550001111", "one"), TestContext.Current.CancellationToken);

        await Should.ThrowAsync<SendThrottledException>(() =>
            sut.SendAsync("main", Phone, WhatsAppMessage.Text("+15550001111", "two"), TestContext.Current.CancellationToken));

        _handler.Calls.Count.ShouldBe(1);
    }

    private sealed record Call(Uri Uri, string? Authorization);

    private sealed class HeaderRecordingHandler : HttpMessageHandler
    {
        public Queue<(HttpStatusCode Status, string Body)> Answers { get; } = new();

        public List<Call> Calls { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls.Add(new Call(request.RequestUri!, request.Headers.Authorization?.ToString()));
            // An unplanned call fails loudly.
            var (status, body) = Answers.Count > 0 ? Answers.Dequeue() : throw new InvalidOperationException($"Unplanned call to {request.RequestUri}");
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    private sealed class FakeKeeper : ITokenKeeper
    {
        private CurrentToken _current = Token(TokenV1, 1);

        public bool RefreshGivesNewVersion { get; set; } = true;

        public List<(string Name, long? Rejected)> Refreshes { get; } = [];

        public ValueTask<CurrentToken> GetAsync(string name, CancellationToken cancellationToken = default) =>
            name == "main" ? ValueTask.FromResult(_current) : throw new KeyNotFoundException(name);

        public Task<RefreshOutcome> RefreshAsync(string name, long? rejectedVersion = null, CancellationToken cancellationToken = default)
        {
            Refreshes.Add((name, rejectedVersion));
            if (RefreshGivesNewVersion)
            {
                _current = Token(TokenV2, 2);
                return Task.FromResult(new RefreshOutcome(_current, Rotated: true));
            }

            return Task.FromResult(new RefreshOutcome(_current, false, GraphError.From(190, 460, "invalid", 400)));
        }

        public Task<TokenCheckOutcome> CheckAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public void Evict(string name) => throw new NotSupportedException();

        private static CurrentToken Token(string value, long version) =>
            new("main", value, version, TokenKind.SystemUser, null, "1234567890", AppSecret);
    }
}
