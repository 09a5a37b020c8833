using System.Text;
using Evertoken.WhatsApp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Evertoken.Tests.WhatsApp;

public sealed class SqliteWebhookInboxTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "evertoken-inbox-" + Guid.NewGuid().ToString("N"));
    private readonly List<SqliteWebhookInbox> _inboxes = [];

    private string DatabasePath => Path.Combine(_folder, "sub", "webhooks.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqliteWebhookInbox CreateSut(int maxBatchSize = 256, Func<CancellationToken, ValueTask>? beforeBatch = null, bool synchronousFull = false)
    {
        var inbox = new SqliteWebhookInbox(Options.Create(new WebhookInboxOptions
        {
            DatabasePath = DatabasePath,
            MaxBatchSize = maxBatchSize,
            SynchronousFull = synchronousFull,
        }), beforeBatch);
        _inboxes.Add(inbox);
        return inbox;
    }

    private static (byte[] Body, IReadOnlyList<WebhookEvent> Events) Parsed(byte[] body)
    {
        var result = WebhookEventExtractor.Extract(body);
        result.IsSuccess.ShouldBeTrue(result.Error);
        return (body, result.Events);
    }

    private static (byte[] Body, IReadOnlyList<WebhookEvent> Events) Fixture(string name) => Parsed(WhatsAppFixtures.Bytes(name));

    private static (byte[] Body, IReadOnlyList<WebhookEvent> Events) TextMessage(int n, string phoneNumberId = "106540352242922") =>
        Parsed(Encoding.UTF8.GetBytes($$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
             "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"{{{phoneNumberId}}}"},
             "messages":[{"from":"15550001111","id":"wamid.TEST{{{n}}}","timestamp":"{{{1750000000 + n}}}","type":"text","text":{"body":"hello {{{n}}}"}}]}}]}]}
            """));

    private static async Task<List<StoredWebhookEvent>> AllEvents(IWebhookInbox inbox, WebhookEventQuery? query = null)
    {
        var all = new List<StoredWebhookEvent>();
        query ??= new WebhookEventQuery();
        query = query with { Limit = WebhookEventQuery.MaxLimit };
        while (true)
        {
            var page = await inbox.QueryEventsAsync(query, Ct);
            all.AddRange(page.Events);
            if (page.NextAfter is not { } next)
            {
                return all;
            }

            query = query with { After = next };
        }
    }

    [Fact]
    public async Task Appended_events_can_be_queried_with_their_payload()
    {
        var inbox = CreateSut();
        var (body, events) = Fixture("webhook.status.failed-131047.json");

        var appended = await inbox.AppendAsync(body, events, T0, Ct);

        appended.NewEvents.ShouldBe(1);
        appended.DuplicateEvents.ShouldBe(0);
        var stored = (await inbox.QueryEventsAsync(new WebhookEventQuery(), Ct)).Events.ShouldHaveSingleItem();
        stored.PayloadId.ShouldBe(appended.PayloadId);
        stored.ReceivedAt.ShouldBe(T0);
        stored.DuplicateCount.ShouldBe(0);
        stored.Event.ShouldBe(events[0] with { Errors = stored.Event.Errors });
        stored.Event.Errors.Single().Details.ShouldBe(events[0].Errors.Single().Details);
        var payload = (await inbox.GetPayloadAsync(appended.PayloadId, Ct)).ShouldNotBeNull();
        payload.Body.ToArray().ShouldBe(body);
        payload.ReceivedAt.ShouldBe(T0);
        (payload.EventCount, payload.NewEventCount, payload.DuplicateEventCount, payload.RelayState).ShouldBe((1, 1, 0, "pending"));
        (await inbox.GetPayloadAsync(appended.PayloadId + 1, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Queries_filter_by_phone_number_kind_type_status_wamid_and_time()
    {
        var inbox = CreateSut();
        string[] fixtures =
        [
            "webhook.message.text-message.json",
            "webhook.message.location-message.json",
            "webhook.status.sent-cbp-with-conversation.json",
            "webhook.status.read.json",
            "webhook.errors.value-level.json",
            "webhook.message.group-create-message.json",
        ];
        for (var i = 0; i < fixtures.Length; i++)
        {
            var (body, events) = Fixture(fixtures[i]);
            await inbox.AppendAsync(body, events, T0.AddMinutes(i), Ct);
        }

        var (otherBody, otherEvents) = TextMessage(1, phoneNumberId: "999");
        await inbox.AppendAsync(otherBody, otherEvents, T0.AddMinutes(10), Ct);

        async Task<string[]> Keys(WebhookEventQuery q) => [.. (await AllEvents(inbox, q)).Select(e => e.Event.Wamid ?? e.Event.Field)];

        (await AllEvents(inbox)).Count.ShouldBe(7);
        (await Keys(new WebhookEventQuery { PhoneNumberId = "999" })).ShouldBe(["wamid.TEST1"]);
        (await Keys(new WebhookEventQuery { Kind = WebhookEventKind.Status })).Length.ShouldBe(2);
        (await Keys(new WebhookEventQuery { Kind = WebhookEventKind.Other })).ShouldBe(["group_lifecycle_update"]);
        (await Keys(new WebhookEventQuery { Kind = WebhookEventKind.Error })).ShouldBe(["messages"]);
        (await Keys(new WebhookEventQuery { MessageType = "location" })).ShouldBe(["wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTU2MjZEMDBGRkE3MENEMDE0RQA="]);
        (await AllEvents(inbox, new WebhookEventQuery { Status = "read" })).Single().Event.Status.ShouldBe("read");
        (await AllEvents(inbox, new WebhookEventQuery { Wamid = "wamid.HBgLMTU1NTAwMDExMTEVAgARGBI3QTFGNTlGQjBCMjYxOUNGNTQA" }))
            .Select(e => e.Event.Status).ShouldBe(["sent", "read"]);
        (await AllEvents(inbox, new WebhookEventQuery { ReceivedFrom = T0.AddMinutes(2), ReceivedBefore = T0.AddMinutes(4) }))
            .Select(e => e.ReceivedAt).ShouldBe([T0.AddMinutes(2), T0.AddMinutes(3)]);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_gaps_or_repeats()
    {
        var inbox = CreateSut();
        for (var i = 0; i < 7; i++)
        {
            var (body, events) = TextMessage(i);
            await inbox.AppendAsync(body, events, T0, Ct);
        }

        var first = await inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 3 }, Ct);
        var second = await inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 3, After = first.NextAfter }, Ct);
        var third = await inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 3, After = second.NextAfter }, Ct);

        first.Events.Concat(second.Events).Concat(third.Events).Select(e => e.Event.Wamid)
            .ShouldBe(Enumerable.Range(0, 7).Select(i => $"wamid.TEST{i}"));
        third.NextAfter.ShouldBeNull();
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 0 }, Ct));
    }

    [Fact]
    public async Task A_redelivered_payload_is_kept_for_audit_but_its_events_are_only_counted_as_duplicates()
    {
        var inbox = CreateSut();
        var (body, events) = Fixture("webhook.message.text-message.json");

        var first = await inbox.AppendAsync(body, events, T0, Ct);
        var again = await inbox.AppendAsync(body, events, T0.AddMinutes(5), Ct);

        first.NewEvents.ShouldBe(1);
        (again.NewEvents, again.DuplicateEvents).ShouldBe((0, 1));
        again.PayloadId.ShouldNotBe(first.PayloadId);
        var stored = (await AllEvents(inbox)).ShouldHaveSingleItem();
        stored.PayloadId.ShouldBe(first.PayloadId);
        stored.DuplicateCount.ShouldBe(1);
        var redelivery = (await inbox.GetPayloadAsync(again.PayloadId, Ct))!;
        (redelivery.NewEventCount, redelivery.DuplicateEventCount, redelivery.RelayState).ShouldBe((0, 1, "none"));
    }

    [Fact]
    public async Task Statuses_of_one_message_are_distinct_events_but_each_status_is_stored_once()
    {
        var inbox = CreateSut();
        var (sentBody, sent) = Fixture("webhook.status.sent-cbp-with-conversation.json");
        var (readBody, read) = Fixture("webhook.status.read.json");

        await inbox.AppendAsync(sentBody, sent, T0, Ct);
        await inbox.AppendAsync(readBody, read, T0, Ct);
        var duplicate = await inbox.AppendAsync(readBody, read, T0, Ct);

        duplicate.DuplicateEvents.ShouldBe(1);
        (await AllEvents(inbox)).Select(e => e.Event.Status).ShouldBe(["sent", "read"]);
    }

    [Fact]
    public async Task Two_thousand_concurrent_appends_are_group_committed_and_each_stored_exactly_once()
    {
        const int count = 2000;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inbox = CreateSut(beforeBatch: async ct => await gate.Task.WaitAsync(ct));
        await inbox.InitializeAsync(Ct);
        var payloads = Enumerable.Range(0, count).Select(i => TextMessage(i)).ToList();

        // Every append is queued while the writer waits at the gate, so batching does not depend on timing.
        var appends = payloads.Select(p => Task.Run(() => inbox.AppendAsync(p.Body, p.Events, T0, Ct), Ct)).ToList();
        await WaitUntil(() => inbox.QueuedAppends == count);
        gate.SetResult();
        var results = await Task.WhenAll(appends);

        results.Sum(r => r.NewEvents).ShouldBe(count);
        results.Select(r => r.PayloadId).Distinct().Count().ShouldBe(count);
        inbox.CommittedAppends.ShouldBe(count);
        inbox.CommittedBatches.ShouldBe((count + 255) / 256);
        ((double)inbox.CommittedAppends / inbox.CommittedBatches).ShouldBeGreaterThan(1);

        var stored = await AllEvents(inbox);
        stored.Select(e => e.Event.Wamid).Order(StringComparer.Ordinal)
            .ShouldBe(Enumerable.Range(0, count).Select(i => $"wamid.TEST{i}").Order(StringComparer.Ordinal));

        // Durable: a fresh inbox on the same file sees every event and payload.
        await inbox.DisposeAsync();
        var reopened = CreateSut(synchronousFull: true);
        (await AllEvents(reopened)).Count.ShouldBe(count);
        var last = results[^1];
        (await reopened.GetPayloadAsync(last.PayloadId, Ct))!.Body.ToArray().ShouldBe(payloads[^1].Body);
    }

    [Fact]
    public async Task Concurrent_appends_without_a_gate_are_all_durable_exactly_once()
    {
        const int count = 500;
        var inbox = CreateSut(maxBatchSize: 64);
        var payloads = Enumerable.Range(0, count).Select(i => TextMessage(i % 250)).ToList();

        var results = await Task.WhenAll(payloads.Select(p => Task.Run(() => inbox.AppendAsync(p.Body, p.Events, T0, Ct), Ct)));

        results.Sum(r => r.NewEvents).ShouldBe(250);
        results.Sum(r => r.DuplicateEvents).ShouldBe(250);
        inbox.CommittedAppends.ShouldBe(count);
        (await AllEvents(inbox)).Select(e => e.Event.Wamid).Distinct().Count().ShouldBe(250);
        (await AllEvents(inbox)).Sum(e => e.DuplicateCount).ShouldBe(250);
    }

    [Fact]
    public async Task A_payload_with_new_events_queues_one_pending_delivery_per_enabled_relay_target()
    {
        var inbox = CreateSut();
        await inbox.InitializeAsync(Ct);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO webhook_relay_targets (name, url, enabled, created_at) VALUES ('app', 'https://app.example/hook', 1, 0);
                INSERT INTO webhook_relay_targets (name, url, enabled, created_at) VALUES ('old', 'https://old.example/hook', 0, 0);
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        var (body, events) = Fixture("webhook.message.text-message.json");
        var first = await inbox.AppendAsync(body, events, T0, Ct);
        await inbox.AppendAsync(body, events, T0, Ct);

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT payload_id, state, attempts, next_attempt_at FROM webhook_relay_deliveries;";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            (await reader.ReadAsync(Ct)).ShouldBeTrue();
            (reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3)).ShouldBe((first.PayloadId, "pending", 0, T0.ToUnixTimeMilliseconds()));
            (await reader.ReadAsync(Ct)).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task Appending_after_dispose_throws()
    {
        var inbox = CreateSut();
        await inbox.InitializeAsync(Ct);
        await inbox.DisposeAsync();
        var (body, events) = TextMessage(1);

        await Should.ThrowAsync<ObjectDisposedException>(() => inbox.AppendAsync(body, events, T0, Ct));
    }

    [Fact]
    public void Invalid_options_are_reported_all_at_once()
    {
        var ex = Should.Throw<OptionsValidationException>(() =>
            new SqliteWebhookInbox(Options.Create(new WebhookInboxOptions { DatabasePath = " ", MaxBatchSize = 0 })));

        ex.Failures.Count().ShouldBe(2);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "condition not met in time");
            await Task.Yield();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var inbox in _inboxes)
        {
            await inbox.DisposeAsync();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
