using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Evertoken.Hosting;
using Evertoken.WhatsApp;
using Evertoken.WhatsApp.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>
/// Two instances, each with its own inbox and handler loop, on one PostgreSQL schema: every stored event reaches the
/// app's handlers once in all (not once per instance), and when the instance handing them out stops, the other takes
/// over from the shared cursor instead of starting again from the first event.
/// </summary>
public sealed class PostgresWebhookHandlerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "evertoken-handlers-" + Guid.NewGuid().ToString("N"));
    private readonly List<IAsyncDisposable> _owned = [];
    private PostgresTestDatabase _database = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Instances_take_turns_so_each_event_is_handled_once_and_a_takeover_resumes_at_the_shared_cursor()
    {
        var (firstInbox, firstHandler, first) = await StartInstanceAsync("a");
        var (_, secondHandler, second) = await StartInstanceAsync("b");
        for (var n = 0; n < 150; n++)
        {
            await firstInbox.AppendAsync(TextMessage(n), T0, Ct);
        }

        await Poll.UntilAsync(() => firstHandler.Count + secondHandler.Count >= 150, "150 events handled", Deadline);
        // Both loops poll every 50 ms: a few more rounds would show a second instance handing the same events out.
        var settled = firstHandler.Attempts + secondHandler.Attempts;
        await Poll.UntilAsync(() => Rounds(first) + Rounds(second) >= 10, "both loops polled again", Deadline);
        (firstHandler.Attempts + secondHandler.Attempts).ShouldBe(settled);
        var handled = firstHandler.Wamids.Concat(secondHandler.Wamids).ToList();
        handled.Count.ShouldBe(150);
        handled.ShouldBe(Enumerable.Range(0, 150).Select(Wamid).ToList(), ignoreOrder: true);
        // One instance handed them all out, in storage order.
        var (leaderHandler, leader, standbyHandler) = firstHandler.Count > 0 ? (firstHandler, first, secondHandler) : (secondHandler, second, firstHandler);
        standbyHandler.Count.ShouldBe(0);
        leaderHandler.Wamids.ShouldBe(Enumerable.Range(0, 150).Select(Wamid).ToList());

        // The leader stops (its session and lock go with it); the events stored meanwhile go to the other instance,
        // which starts after the saved cursor.
        await leader.StopAsync(Ct);
        for (var n = 150; n < 180; n++)
        {
            await firstInbox.AppendAsync(TextMessage(n), T0, Ct);
        }

        await Poll.UntilAsync(() => standbyHandler.Count >= 30, "the standby took over", Deadline);
        standbyHandler.Wamids.ShouldBe(Enumerable.Range(150, 30).Select(Wamid).ToList());
        leaderHandler.Count.ShouldBe(150);
        var lastEvent = (await firstInbox.QueryEventsAsync(new WebhookEventQuery { Limit = 500 }, Ct)).Events.Max(e => e.Id);
        await Poll.UntilAsync(async () => await _database.ScalarAsync("SELECT event_id FROM webhook_handler_cursors WHERE name = 'handlers'", Ct) is long id && id == lastEvent,
            "the shared cursor at the last event", Deadline);
    }

    [Fact]
    public async Task The_first_shared_cursor_starts_from_the_instance_file_of_an_earlier_single_instance()
    {
        var inbox = new PostgresWebhookInbox(_database.ConnectionString);
        _owned.Add(inbox);
        var ids = new List<long>();
        for (var n = 0; n < 5; n++)
        {
            await inbox.AppendAsync(TextMessage(n), T0, Ct);
        }

        var events = await inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 10 }, Ct);
        ids.AddRange(events.Events.Select(e => e.Id).Order());
        // As if this instance had run alone with a file cursor and handled the first three events.
        var folder = Path.Combine(_folder, "c");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "webhook-handlers.cursor"), ids[2].ToString(CultureInfo.InvariantCulture), Ct);

        var handler = new RecordingHandler();
        var dispatcher = Dispatcher(inbox, handler, folder);
        await dispatcher.StartAsync(Ct);
        await Poll.UntilAsync(() => handler.Count >= 2, "the last two events handled", Deadline);

        handler.Wamids.ShouldBe([Wamid(3), Wamid(4)]);
        await Poll.UntilAsync(async () => await _database.ScalarAsync("SELECT event_id FROM webhook_handler_cursors WHERE name = 'handlers'", Ct) is long id && id == ids[4],
            "the cursor saved in the database", Deadline);
    }

    private async Task<(PostgresWebhookInbox Inbox, RecordingHandler Handler, WebhookEventDispatcher Dispatcher)> StartInstanceAsync(string name)
    {
        var inbox = new PostgresWebhookInbox(_database.ConnectionString);
        _owned.Add(inbox);
        await inbox.InitializeAsync(Ct);
        var handler = new RecordingHandler();
        var dispatcher = Dispatcher(inbox, handler, Path.Combine(_folder, name));
        await dispatcher.StartAsync(Ct);
        return (inbox, handler, dispatcher);
    }

    private WebhookEventDispatcher Dispatcher(PostgresWebhookInbox inbox, RecordingHandler handler, string dataFolder)
    {
        var dispatcher = new WebhookEventDispatcher(inbox, [handler],
            Options.Create(new WebhookHandlerOptions { PollInterval = TimeSpan.FromMilliseconds(50) }),
            Options.Create(new EvertokenOptions { DataFolder = dataFolder }),
            TimeProvider.System, NullLogger<WebhookEventDispatcher>.Instance);
        _owned.Add(new Stopper(dispatcher));
        return dispatcher;
    }

    private static long Rounds(WebhookEventDispatcher dispatcher) => dispatcher.Rounds;

    private static string Wamid(int n) => $"wamid.HANDLER{n}";

    private static byte[] TextMessage(int n) => Encoding.UTF8.GetBytes($$$"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
         "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
         "messages":[{"from":"15550001111","id":"{{{Wamid(n)}}}","timestamp":"{{{1750000000 + n}}}","type":"text","text":{"body":"hello {{{n}}}"}}]}}]}]}
        """);

    private sealed class Stopper(WebhookEventDispatcher dispatcher) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await dispatcher.StopAsync(CancellationToken.None);
            dispatcher.Dispose();
        }
    }

    private sealed class RecordingHandler : IWebhookEventHandler
    {
        private readonly ConcurrentQueue<string> _wamids = new();
        private int _attempts;

        public int Count => _wamids.Count;

        public int Attempts => Volatile.Read(ref _attempts);

        public IReadOnlyList<string> Wamids => [.. _wamids];

        public Task HandleAsync(StoredWebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            _wamids.Enqueue(webhookEvent.Event.Wamid ?? "");
            return Task.CompletedTask;
        }
    }
}
