using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Evertoken.IntegrationTests.EmulatorMessaging;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.IntegrationTests.Library;

/// <summary>
/// <c>AddEvertokenWebhooks</c> + <c>MapEvertokenWebhooks</c> (or the branch of <c>UseEvertokenWebhooks</c>) in an app's
/// own host on loopback: Meta's handshake, signed
/// payloads stored before the 200, refused ones stored nowhere, and every stored event handed to the app's
/// <see cref="IWebhookEventHandler"/> once per dedup key, resuming after a restart.
/// </summary>
public sealed class WebhookReceiverTests
{
    private const string VerifyToken = "library-verify-token";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_handshake_echoes_the_challenge_only_for_the_verify_token(bool branch)
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        await using var app = await StartAsync(emu, new RecordingHandler(), branch: branch);
        var ct = TestContext.Current.CancellationToken;

        var ok = await app.Http.GetStringAsync($"webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=1158201444", ct);
        using var wrong = await app.Http.GetAsync("webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444", ct);

        ok.ShouldBe("1158201444");
        wrong.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_signed_payload_is_stored_and_each_event_reaches_the_handler_once_even_when_redelivered(bool branch)
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        var handler = new RecordingHandler();
        await using var app = await StartAsync(emu, handler, branch: branch);
        var body = Fixture("webhook.message.text-message.json");
        var statuses = Fixture("webhook.status.read.json");

        (await PostAsync(app, body, WebhookSignature.Sign(body, emu.Sample.AppSecret))).ShouldBe(HttpStatusCode.OK);
        (await PostAsync(app, statuses, WebhookSignature.Sign(statuses, emu.Sample.AppSecret))).ShouldBe(HttpStatusCode.OK);
        (await PostAsync(app, body, WebhookSignature.Sign(body, emu.Sample.AppSecret))).ShouldBe(HttpStatusCode.OK);

        await Poll.UntilAsync(() => handler.Events.Count >= 2, "both events handed to the handler", Deadline);
        var inbox = app.Services.GetRequiredService<IWebhookInbox>();
        // The handler may see both events before the redelivery (the third payload) is indexed and counted.
        using var indexed = new CancellationTokenSource(Deadline);
        await inbox.WaitForIndexAsync(cancellationToken: indexed.Token);
        var stored = await inbox.QueryEventsAsync(new WebhookEventQuery(), TestContext.Current.CancellationToken);
        stored.Events.Count.ShouldBe(2);
        stored.Events.Single(e => e.Event.Kind == WebhookEventKind.Message).DuplicateCount.ShouldBe(1);
        handler.Events.Select(e => e.Id).ShouldBe(stored.Events.Select(e => e.Id));
        handler.Events[0].Event.MessageType.ShouldBe("text");
        handler.Events[1].Event.Status.ShouldBe("read");
    }

    [Theory]
    [InlineData("missing", false)]
    [InlineData("wrong secret", false)]
    [InlineData("not json", false)]
    [InlineData("too big", false)]
    [InlineData("missing", true)]
    [InlineData("wrong secret", true)]
    [InlineData("not json", true)]
    [InlineData("too big", true)]
    public async Task A_refused_post_stores_nothing_and_reaches_no_handler(string kind, bool branch)
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        var handler = new RecordingHandler();
        await using var app = await StartAsync(emu, handler, maxBodyBytes: 4096, branch: branch);
        var body = Fixture("webhook.message.text-message.json");
        var (payload, signature, expected) = kind switch
        {
            "missing" => (body, null, HttpStatusCode.Unauthorized),
            "wrong secret" => (body, WebhookSignature.Sign(body, "not-the-app-secret"), HttpStatusCode.Unauthorized),
            "not json" => (Encoding.UTF8.GetBytes("{\"object\":"), WebhookSignature.Sign(Encoding.UTF8.GetBytes("{\"object\":"), emu.Sample.AppSecret), HttpStatusCode.BadRequest),
            _ => (new byte[8192], WebhookSignature.Sign(new byte[8192], emu.Sample.AppSecret), HttpStatusCode.RequestEntityTooLarge),
        };

        (await PostAsync(app, payload, signature)).ShouldBe(expected);

        var inbox = app.Services.GetRequiredService<IWebhookInbox>();
        (await inbox.GetLastEventIdAsync(TestContext.Current.CancellationToken)).ShouldBeNull();
        (await inbox.GetPayloadAsync(1, TestContext.Current.CancellationToken)).ShouldBeNull();
        handler.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failing_handler_is_retried_and_a_restart_resumes_after_the_last_handled_event()
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        using var data = new TempFolder();
        var masterKey = LibraryApp.NewMasterKey();
        var first = new RecordingHandler { FailuresBeforeSuccess = 2 };
        var message = Fixture("webhook.message.text-message.json");
        await using (var app = await StartAsync(emu, first, data: data, masterKey: masterKey))
        {
            (await PostAsync(app, message, WebhookSignature.Sign(message, emu.Sample.AppSecret))).ShouldBe(HttpStatusCode.OK);
            await Poll.UntilAsync(() => first.Events.Count == 1, "the event handled after two failures", Deadline);
            first.Attempts.ShouldBe(3);
        }

        var second = new RecordingHandler();
        await using (var app = await StartAsync(emu, second, data: data, masterKey: masterKey))
        {
            var status = Fixture("webhook.status.read.json");
            (await PostAsync(app, status, WebhookSignature.Sign(status, emu.Sample.AppSecret))).ShouldBe(HttpStatusCode.OK);
            await Poll.UntilAsync(() => second.Events.Count >= 1, "the new event handed after the restart", Deadline);
            second.Events.Single().Event.Kind.ShouldBe(WebhookEventKind.Status);
        }
    }

    [Fact]
    public async Task The_branch_answers_only_its_own_path_refuses_other_methods_and_leaves_the_app_its_routes()
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        await using var app = await StartAsync(emu, new RecordingHandler(), branch: true);
        var ct = TestContext.Current.CancellationToken;
        var body = Fixture("webhook.message.text-message.json");

        using var put = await app.Http.PutAsync("webhooks/whatsapp", new ByteArrayContent(body), ct);
        using var slashed = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp/") { Content = new ByteArrayContent(body) };
        slashed.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(body, emu.Sample.AppSecret));
        using var slashedAnswer = await app.Http.SendAsync(slashed, ct);
        using var below = await app.Http.PostAsync("webhooks/whatsapp/other", new ByteArrayContent(body), ct);
        var own = await app.Http.GetStringAsync("app/ping", ct);

        put.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        put.Content.Headers.Allow.ShouldBe(["GET", "POST"], ignoreOrder: true);
        (await put.Content.ReadAsStringAsync(ct)).ShouldContain("Method not allowed");
        slashedAnswer.StatusCode.ShouldBe(HttpStatusCode.OK);
        below.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        own.ShouldBe("pong");
        var stored = await app.Services.GetRequiredService<IWebhookInbox>().GetPayloadAsync(1, ct);
        stored.ShouldNotBeNull().Body.ToArray().ShouldBe(body);
    }

    private static Task<LibraryApp> StartAsync(Evertoken.Emulator.EmulatorHost emu, RecordingHandler handler, int? maxBodyBytes = null, TempFolder? data = null, string? masterKey = null, bool branch = false) =>
        LibraryApp.StartAsync(emu, new LibraryApp.Setup
        {
            Data = data,
            MasterKey = masterKey ?? LibraryApp.NewMasterKey(),
            Services = services =>
            {
                services.AddEvertokenWebhooks(o =>
                {
                    o.VerifyToken = VerifyToken;
                    o.MaxBodyBytes = maxBodyBytes ?? o.MaxBodyBytes;
                });
                services.AddSingleton(handler);
                services.AddEvertokenWebhookHandler<RecordingHandler>(o =>
                {
                    o.PollInterval = TimeSpan.FromMilliseconds(50);
                    o.RetryDelay = TimeSpan.FromMilliseconds(10);
                });
            },
            Map = app =>
            {
                if (branch)
                {
                    app.UseEvertokenWebhooks();
                    app.MapGet("/app/ping", () => "pong");
                }
                else
                {
                    app.MapEvertokenWebhooks();
                }
            },
        });

    private static async Task<HttpStatusCode> PostAsync(LibraryApp app, byte[] body, string? signature)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = content };
        if (signature is not null)
        {
            request.Headers.Add(WebhookSignature.HeaderName, signature);
        }

        using var response = await app.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "whatsapp", name));

    /// <summary>Records what it is handed; fails the first <see cref="FailuresBeforeSuccess"/> attempts.</summary>
    private sealed class RecordingHandler : IWebhookEventHandler
    {
        private readonly ConcurrentQueue<StoredWebhookEvent> _events = new();
        private int _attempts;

        public int FailuresBeforeSuccess { get; init; }

        public int Attempts => Volatile.Read(ref _attempts);

        public IReadOnlyList<StoredWebhookEvent> Events => [.. _events];

        public Task HandleAsync(StoredWebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= FailuresBeforeSuccess)
            {
                throw new InvalidOperationException("the app's handler failed");
            }

            _events.Enqueue(webhookEvent);
            return Task.CompletedTask;
        }
    }
}
