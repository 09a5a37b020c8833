using System.Text;
using Evertoken.WhatsApp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.Tests.WhatsApp;

public sealed class SqliteWebhookInboxTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "evertoken-inbox-" + Guid.NewGuid().ToString("N"));
    private readonly List<SqliteWebhookInbox> _inboxes = [];

    private string DatabasePath => Path.Combine(_folder, "sub", "webhooks.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqliteWebhookInbox CreateSut(int maxBatchSize = 256, Func<CancellationToken, ValueTask>? beforeBatch = null, bool synchronousFull = false,
        Func<CancellationToken, ValueTask>? beforeIndexBatch = null, int maxIndexLag = 50_000)
    {
        var inbox = new SqliteWebhookInbox(Options.Create(new WebhookInboxOptions
        {
            DatabasePath = DatabasePath,
            MaxBatchSize = maxBatchSize,
            SynchronousFull = synchronousFull,
            MaxIndexLag = maxIndexLag,
        }), beforeBatch, beforeIndexBatch);
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

    // Appends, then waits (with a deadline) until the indexer has stored its events, and returns the payload row.
    private static async Task<StoredWebhookPayload> AppendIndexedAsync(SqliteWebhookInbox inbox, byte[] body, DateTimeOffset receivedAt)
    {
        var appended = await inbox.AppendAsync(body, receivedAt, Ct);
        await WaitForIndexAsync(inbox, appended.PayloadId);
        return (await inbox.GetPayloadAsync(appended.PayloadId, Ct)).ShouldNotBeNull();
    }

    private static async Task WaitForIndexAsync(IWebhookInbox inbox, long payloadId = long.MaxValue)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await inbox.WaitForIndexAsync(payloadId, deadline.Token);
    }

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

        var appended = await inbox.AppendAsync(body, T0, Ct);
        await WaitForIndexAsync(inbox, appended.PayloadId);

        var stored = (await inbox.QueryEventsAsync(new WebhookEventQuery(), Ct)).Events.ShouldHaveSingleItem();
        stored.PayloadId.ShouldBe(appended.PayloadId);
        stored.ReceivedAt.ShouldBe(T0);
        stored.DuplicateCount.ShouldBe(0);
        stored.Event.ShouldBe(events[0] with { Errors = stored.Event.Errors });
        stored.Event.Errors.Single().Details.ShouldBe(events[0].Errors.Single().Details);
        var payload = (await inbox.GetPayloadAsync(appended.PayloadId, Ct)).ShouldNotBeNull();
        payload.Body.ToArray().ShouldBe(body);
        payload.ReceivedAt.ShouldBe(T0);
        (payload.EventCount, payload.NewEventCount, payload.DuplicateEventCount, payload.RelayState).ShouldBe((1, 1, 0, "none"));
        (payload.IndexState, payload.IndexError).ShouldBe(("indexed", (string?)null));
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
            var (body, _) = Fixture(fixtures[i]);
            await inbox.AppendAsync(body, T0.AddMinutes(i), Ct);
        }

        var (otherBody, _) = TextMessage(1, phoneNumberId: "999");
        await inbox.AppendAsync(otherBody, T0.AddMinutes(10), Ct);
        await WaitForIndexAsync(inbox);

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
            await inbox.AppendAsync(TextMessage(i).Body, T0, Ct);
        }

        await WaitForIndexAsync(inbox);
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
        var (body, _) = Fixture("webhook.message.text-message.json");

        var first = await AppendIndexedAsync(inbox, body, T0);
        var again = await AppendIndexedAsync(inbox, body, T0.AddMinutes(5));

        (first.NewEventCount, first.DuplicateEventCount).ShouldBe((1, 0));
        again.Id.ShouldNotBe(first.Id);
        var stored = (await AllEvents(inbox)).ShouldHaveSingleItem();
        stored.PayloadId.ShouldBe(first.Id);
        stored.DuplicateCount.ShouldBe(1);
        (again.NewEventCount, again.DuplicateEventCount, again.RelayState, again.IndexState).ShouldBe((0, 1, "none", "indexed"));
        again.Body.ToArray().ShouldBe(body);
    }

    [Fact]
    public async Task Statuses_of_one_message_are_distinct_events_but_each_status_is_stored_once()
    {
        var inbox = CreateSut();
        var (sentBody, _) = Fixture("webhook.status.sent-cbp-with-conversation.json");
        var (readBody, _) = Fixture("webhook.status.read.json");

        await inbox.AppendAsync(sentBody, T0, Ct);
        await inbox.AppendAsync(readBody, T0, Ct);
        var duplicate = await AppendIndexedAsync(inbox, readBody, T0);

        duplicate.DuplicateEventCount.ShouldBe(1);
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
        var appends = payloads.Select(p => Task.Run(() => inbox.AppendAsync(p.Body, T0, Ct), Ct)).ToList();
        await WaitUntil(() => inbox.QueuedAppends == count);
        gate.SetResult();
        var results = await Task.WhenAll(appends);

        results.Select(r => r.PayloadId).Distinct().Count().ShouldBe(count);
        inbox.CommittedAppends.ShouldBe(count);
        inbox.CommittedBatches.ShouldBe((count + 255) / 256);
        ((double)inbox.CommittedAppends / inbox.CommittedBatches).ShouldBeGreaterThan(1);

        await WaitForIndexAsync(inbox);
        inbox.IndexBatches.ShouldBeLessThan(count);
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

        var results = await Task.WhenAll(payloads.Select(p => Task.Run(() => inbox.AppendAsync(p.Body, T0, Ct), Ct)));
        await WaitForIndexAsync(inbox);

        var rows = await Task.WhenAll(results.Select(r => inbox.GetPayloadAsync(r.PayloadId, Ct)));
        rows.Sum(r => r!.NewEventCount).ShouldBe(250);
        rows.Sum(r => r!.DuplicateEventCount).ShouldBe(250);
        inbox.CommittedAppends.ShouldBe(count);
        (await AllEvents(inbox)).Select(e => e.Event.Wamid).Distinct().Count().ShouldBe(250);
        (await AllEvents(inbox)).Sum(e => e.DuplicateCount).ShouldBe(250);
    }

    [Fact]
    public async Task A_payload_with_new_events_queues_one_pending_delivery_per_enabled_relay_target()
    {
        var inbox = CreateSut();
        await inbox.InitializeAsync(Ct);
        await ExecuteAsync("""
            INSERT INTO webhook_relay_targets (name, url, enabled, created_at) VALUES ('app', 'https://app.example/hook', 1, 0);
            INSERT INTO webhook_relay_targets (name, url, enabled, created_at) VALUES ('old', 'https://old.example/hook', 0, 0);
            """);

        var (body, _) = Fixture("webhook.message.text-message.json");
        var first = await inbox.AppendAsync(body, T0, Ct);
        await inbox.AppendAsync(body, T0, Ct);
        await WaitForIndexAsync(inbox);

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
        var (body, _) = TextMessage(1);

        await Should.ThrowAsync<ObjectDisposedException>(() => inbox.AppendAsync(body, T0, Ct));
    }

    [Fact]
    public async Task During_a_burst_indexing_waits_while_the_backlog_is_under_the_cap()
    {
        var inbox = CreateSut();
        await inbox.InitializeAsync(Ct);
        // The burst never ends on its own, so only the cap could let an index slice run.
        inbox.BurstQuietPeriod = TimeSpan.FromDays(1);

        for (var i = 0; i < 200; i++)
        {
            await inbox.AppendAsync(TextMessage(i).Body, T0, Ct);
        }

        inbox.CommittedAppends.ShouldBe(200);
        inbox.IndexedThrough.ShouldBe(0);
        inbox.IndexBatches.ShouldBe(0);
    }

    [Fact]
    public async Task Past_the_index_lag_cap_index_slices_interleave_with_a_burst_so_the_backlog_stays_bounded()
    {
        const int cap = 16;
        const int count = 300;
        var inbox = CreateSut(maxBatchSize: 8, maxIndexLag: cap);
        await inbox.InitializeAsync(Ct);
        inbox.BurstQuietPeriod = TimeSpan.FromDays(1);

        var maxLag = 0L;
        for (var i = 0; i < count; i++)
        {
            await inbox.AppendAsync(TextMessage(i).Body, T0, Ct);
            maxLag = Math.Max(maxLag, inbox.IndexLag);
        }

        // Appends never stopped, yet all but the last few payloads are indexed, a slice between each append batch.
        inbox.CommittedAppends.ShouldBe(count);
        maxLag.ShouldBeLessThanOrEqualTo(cap + 1);
        inbox.IndexedThrough.ShouldBeGreaterThanOrEqualTo(count - cap - 1);
        var stored = await AllEvents(inbox);
        stored.Count.ShouldBeGreaterThanOrEqualTo(count - cap - 1);
        stored.Select(e => e.Event.Wamid).Distinct().Count().ShouldBe(stored.Count);
    }

    [Fact]
    public async Task Past_the_index_delay_a_burst_gives_way_to_indexing()
    {
        var clock = new FakeTimeProvider(T0);
        var inbox = CreateSut(maxBatchSize: 8);
        inbox.Clock = clock;
        await inbox.InitializeAsync(Ct);
        inbox.BurstQuietPeriod = TimeSpan.FromDays(1);
        for (var i = 0; i < 40; i++)
        {
            await inbox.AppendAsync(TextMessage(i).Body, T0, Ct);
        }

        // A burst younger than MaxIndexDelay (15 s): stored, not indexed.
        inbox.IndexBatches.ShouldBe(0);
        clock.Advance(TimeSpan.FromSeconds(16));
        await inbox.AppendAsync(TextMessage(40).Body, T0, Ct);

        // The burst goes on (the quiet period never ends) but its oldest payloads are now too old to wait.
        await WaitUntil(() => inbox.IndexedThrough >= 40);
        (await AllEvents(inbox)).Count.ShouldBeGreaterThanOrEqualTo(40);
    }

    [Fact]
    public void Invalid_options_are_reported_all_at_once()
    {
        var ex = Should.Throw<OptionsValidationException>(() =>
            new SqliteWebhookInbox(Options.Create(new WebhookInboxOptions
            {
                DatabasePath = " ",
                MaxBatchSize = 0,
                MaxIndexLag = 0,
                FileFlushInterval = TimeSpan.FromSeconds(2),
            })));

        ex.Failures.Count().ShouldBe(4);
        ex.Failures.ShouldContain(f => f.Contains("FileFlushInterval", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_flusher_syncs_the_files_once_per_interval_after_a_commit_and_not_while_idle()
    {
        var clock = new FakeTimeProvider(T0);
        var inbox = CreateSut();
        inbox.Clock = clock;
        await inbox.AppendAsync(TextMessage(1).Body, T0, Ct);
        await WaitForIndexAsync(inbox);
        var flusher = inbox.Flusher.ShouldNotBeNull();
        flusher.Flushes.ShouldBe(0);

        // The interval passes with commits since the flusher started: one sync of the WAL and the database file.
        clock.Advance(TimeSpan.FromMilliseconds(20));
        await WaitUntil(() => flusher.Ticks >= 1);
        flusher.Flushes.ShouldBe(1);

        // Nothing written since: the next interval passes without touching the disk.
        clock.Advance(TimeSpan.FromMilliseconds(20));
        await WaitUntil(() => flusher.Ticks >= 2);
        flusher.Flushes.ShouldBe(1);

        await inbox.AppendAsync(TextMessage(2).Body, T0, Ct);
        await WaitForIndexAsync(inbox);
        clock.Advance(TimeSpan.FromMilliseconds(20));
        await WaitUntil(() => flusher.Ticks >= 3);
        flusher.Flushes.ShouldBe(2);
        (await inbox.GetPayloadAsync(2, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_zero_flush_interval_starts_no_flusher()
    {
        var inbox = new SqliteWebhookInbox(Options.Create(new WebhookInboxOptions { DatabasePath = DatabasePath, FileFlushInterval = TimeSpan.Zero }));
        _inboxes.Add(inbox);
        await inbox.AppendAsync(TextMessage(1).Body, T0, Ct);
        inbox.Flusher.ShouldBeNull();
    }

    [Fact]
    public async Task A_payload_is_committed_before_indexing_and_a_restart_indexes_what_the_last_run_left_unindexed()
    {
        // The indexer is stopped at its gate for this whole run, as if the process died before it got to work.
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inbox = CreateSut(beforeIndexBatch: ct => new ValueTask(never.Task.WaitAsync(ct)));
        await inbox.InitializeAsync(Ct);
        await InsertRelayTargetAsync();
        var (known, _) = TextMessage(1);
        var appended = new List<WebhookAppendResult>();
        foreach (var body in new[] { known, TextMessage(2).Body, known, TextMessage(3).Body })
        {
            appended.Add(await inbox.AppendAsync(body, T0, Ct));
        }

        // Committed and readable as payloads, but the stopped indexer has stored no event and queued no delivery.
        var unindexed = (await inbox.GetPayloadAsync(appended[0].PayloadId, Ct)).ShouldNotBeNull();
        (unindexed.IndexState, unindexed.EventCount, unindexed.RelayState).ShouldBe(("unindexed", 0, "none"));
        unindexed.Body.ToArray().ShouldBe(known);
        (await AllEvents(inbox)).ShouldBeEmpty();
        (await inbox.GetLastEventIdAsync(Ct)).ShouldBeNull();
        (await PendingDeliveriesAsync()).ShouldBe(0);
        await Should.ThrowAsync<OperationCanceledException>(() => inbox.WaitForIndexAsync(appended[0].PayloadId, new CancellationToken(canceled: true)));

        await inbox.DisposeAsync();
        var restarted = CreateSut();
        await WaitForIndexAsync(restarted);

        (await AllEvents(restarted)).Select(e => (e.Event.Wamid, e.PayloadId, e.DuplicateCount))
            .ShouldBe([("wamid.TEST1", appended[0].PayloadId, 1), ("wamid.TEST2", appended[1].PayloadId, 0), ("wamid.TEST3", appended[3].PayloadId, 0)]);
        var rows = await Task.WhenAll(appended.Select(a => restarted.GetPayloadAsync(a.PayloadId, Ct)));
        rows.Select(r => (r!.IndexState, r.NewEventCount, r.DuplicateEventCount, r.RelayState))
            .ShouldBe([("indexed", 1, 0, "pending"), ("indexed", 1, 0, "pending"), ("indexed", 0, 1, "none"), ("indexed", 1, 0, "pending")]);
        (await PendingDeliveriesAsync()).ShouldBe(3);

        // Indexed exactly once: a third start finds nothing left to do.
        await restarted.DisposeAsync();
        var third = CreateSut();
        await WaitForIndexAsync(third);
        (await AllEvents(third)).Sum(e => e.DuplicateCount).ShouldBe(1);
        (await PendingDeliveriesAsync()).ShouldBe(3);
        third.IndexBatches.ShouldBe(0);
    }

    [Fact]
    public async Task A_restart_resumes_indexing_after_the_last_payload_indexed_or_failed_and_indexes_only_the_rest()
    {
        // Indexed, then failed (the newest payload the first run finished), then a backlog the stopped indexer left.
        var first = CreateSut();
        var indexed = await AppendIndexedAsync(first, TextMessage(1).Body, T0);
        var failed = await AppendIndexedAsync(first, Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":"not-an-array"}]}"""), T0);
        failed.IndexState.ShouldBe("failed");
        await first.DisposeAsync();

        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = CreateSut(beforeIndexBatch: ct => new ValueTask(never.Task.WaitAsync(ct)));
        await second.InitializeAsync(Ct);
        second.IndexedThrough.ShouldBe(failed.Id);
        var backlog = new List<long>();
        for (var n = 2; n <= 4; n++)
        {
            backlog.Add((await second.AppendAsync(TextMessage(n).Body, T0, Ct)).PayloadId);
        }

        await second.DisposeAsync();

        // Held at its gate until the starting point is checked, so the check does not race the indexer.
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var third = CreateSut(beforeIndexBatch: ct => new ValueTask(go.Task.WaitAsync(ct)));
        await third.InitializeAsync(Ct);
        third.IndexedThrough.ShouldBe(failed.Id);
        go.SetResult();
        await WaitForIndexAsync(third);

        third.IndexedThrough.ShouldBe(backlog[^1]);
        (await AllEvents(third)).Select(e => e.Event.Wamid).ShouldBe(["wamid.TEST1", "wamid.TEST2", "wamid.TEST3", "wamid.TEST4"], ignoreOrder: true);
        (await third.GetPayloadAsync(failed.Id, Ct))!.IndexState.ShouldBe("failed");
        (await third.GetPayloadAsync(indexed.Id, Ct))!.NewEventCount.ShouldBe(1);
        third.FailedPayloads.ShouldBe(0);
        (await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_webhook_payloads_unindexed';")).ShouldBe(0);
    }

    [Fact]
    public async Task A_body_whose_events_cannot_be_read_is_kept_marked_failed_and_counted_without_holding_up_the_next()
    {
        var inbox = CreateSut();
        var broken = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":"not-an-array"}]}""");
        var (good, _) = TextMessage(7);

        var failed = await AppendIndexedAsync(inbox, broken, T0);
        var indexed = await AppendIndexedAsync(inbox, good, T0);

        (failed.IndexState, failed.EventCount, failed.RelayState).ShouldBe(("failed", 0, "none"));
        failed.IndexError.ShouldNotBeNull().ShouldContain("changes");
        failed.Body.ToArray().ShouldBe(broken);
        indexed.IndexState.ShouldBe("indexed");
        (await AllEvents(inbox)).ShouldHaveSingleItem().Event.Wamid.ShouldBe("wamid.TEST7");
        inbox.FailedPayloads.ShouldBe(1);
    }

    [Fact]
    public async Task Each_event_keeps_where_its_raw_json_lies_in_the_body_and_reads_back_the_exact_text()
    {
        var inbox = CreateSut();
        // Every webhook fixture, plus multi-byte UTF-8 and an escaped character: offsets count bytes, not characters.
        var bodies = WhatsAppFixtures.Names("webhook.").Where(n => !n.Contains("verification", StringComparison.Ordinal))
            .Select(WhatsAppFixtures.Bytes)
            .Append(Encoding.UTF8.GetBytes("""
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
                 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
                 "messages":[{"from":"15550001111","id":"wamid.UTF8","timestamp":"1750000000","type":"text","text":{"body":"olá 👋 \u00e9 — ünïcödé"}}]}}]}]}
                """))
            .ToList();
        var payloadBodies = new Dictionary<long, byte[]>();
        foreach (var body in bodies)
        {
            payloadBodies[(await inbox.AppendAsync(body, T0, Ct)).PayloadId] = body;
        }

        await WaitForIndexAsync(inbox);

        var stored = await AllEvents(inbox);
        stored.Count.ShouldBe(bodies.SelectMany(b => Parsed(b).Events).Select(e => e.DedupKey).Distinct().Count());
        foreach (var e in stored)
        {
            var expected = Parsed(payloadBodies[e.PayloadId]).Events.First(x => x.DedupKey == e.Event.DedupKey).RawJson;
            e.Event.RawJson.ShouldBe(expected, e.Event.DedupKey);
        }

        stored.ShouldContain(e => e.Event.RawJson.Contains("olá 👋", StringComparison.Ordinal));
        (await ScalarAsync("SELECT COUNT(*) FROM webhook_events WHERE raw_json IS NOT NULL OR raw_offset IS NULL;")).ShouldBe(0);
    }

    [Fact]
    public async Task A_version_5_file_reads_its_events_raw_json_from_their_own_column_and_stores_new_ones_as_offsets()
    {
        var inbox = CreateSut();
        var (oldBody, oldEvents) = Fixture("webhook.status.sent-cbp-with-conversation.json");
        await AppendIndexedAsync(inbox, oldBody, T0);
        await inbox.DisposeAsync();
        // What a version 5 file looks like: the raw JSON copied into its own column, no offset columns. The copy is
        // marked, so reading it from the body instead would show.
        await ExecuteAsync("""
            UPDATE webhook_events SET raw_json = (SELECT CAST(substr(p.body, webhook_events.raw_offset + 1, webhook_events.raw_length) AS TEXT)
                                                  FROM webhook_payloads p WHERE p.id = webhook_events.payload_id) || ' ';
            ALTER TABLE webhook_events DROP COLUMN raw_offset;
            ALTER TABLE webhook_events DROP COLUMN raw_length;
            PRAGMA user_version=5;
            """);

        var upgraded = CreateSut();
        var (newBody, newEvents) = Fixture("webhook.status.read.json");
        await AppendIndexedAsync(upgraded, newBody, T0);

        var stored = await AllEvents(upgraded);
        stored.Select(e => e.Event.RawJson).ShouldBe([oldEvents[0].RawJson + " ", newEvents[0].RawJson]);
        (await ScalarAsync("PRAGMA user_version;")).ShouldBe(6);
        (await ScalarAsync("SELECT COUNT(*) FROM webhook_events WHERE raw_offset IS NOT NULL AND raw_json IS NULL;")).ShouldBe(1);
    }

    [Fact]
    public async Task A_version_1_file_gets_every_upgrade_in_order_and_takes_new_payloads()
    {
        var inbox = CreateSut();
        var before = await AppendIndexedAsync(inbox, TextMessage(1).Body, T0);
        await inbox.DisposeAsync();
        // What a version 1 file looks like where it differs: events indexed when stored, no phone number or lease
        // columns, no raw JSON columns, a body hash and the two indexes version 2 dropped.
        await ExecuteAsync("""
            DROP INDEX ix_webhook_relay_queue;
            ALTER TABLE webhook_payloads DROP COLUMN index_error;
            ALTER TABLE webhook_payloads DROP COLUMN index_state;
            ALTER TABLE webhook_payloads DROP COLUMN phone_number_id;
            ALTER TABLE webhook_payloads ADD COLUMN body_sha256 TEXT NOT NULL DEFAULT '';
            ALTER TABLE webhook_relay_targets DROP COLUMN phone_number_id;
            ALTER TABLE webhook_relay_deliveries DROP COLUMN phone_number_id;
            ALTER TABLE webhook_relay_deliveries DROP COLUMN lease_until;
            ALTER TABLE webhook_relay_deliveries DROP COLUMN queued_at;
            ALTER TABLE webhook_events DROP COLUMN raw_json;
            ALTER TABLE webhook_events DROP COLUMN raw_offset;
            ALTER TABLE webhook_events DROP COLUMN raw_length;
            CREATE INDEX ix_webhook_payloads_body_sha256 ON webhook_payloads (body_sha256);
            CREATE INDEX ix_webhook_events_payload ON webhook_events (payload_id);
            PRAGMA user_version=1;
            """);

        var upgraded = CreateSut();
        var after = await AppendIndexedAsync(upgraded, TextMessage(2).Body, T0);

        (await upgraded.GetPayloadAsync(before.Id, Ct))!.IndexState.ShouldBe("indexed");
        after.IndexState.ShouldBe("indexed");
        (await AllEvents(upgraded)).Select(e => e.Event.Wamid).ShouldBe(["wamid.TEST1", "wamid.TEST2"], ignoreOrder: true);
        (await ScalarAsync("PRAGMA user_version;")).ShouldBe(6);
        (await ScalarAsync("SELECT COUNT(*) FROM pragma_table_info('webhook_relay_deliveries') WHERE name IN ('phone_number_id', 'lease_until', 'queued_at');")).ShouldBe(3);
        (await ScalarAsync("SELECT COUNT(*) FROM pragma_table_info('webhook_events') WHERE name IN ('raw_json', 'raw_offset', 'raw_length');")).ShouldBe(3);
        (await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('ix_webhook_payloads_body_sha256', 'ix_webhook_events_payload', 'ix_webhook_payloads_unindexed');")).ShouldBe(0);
        (await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_webhook_relay_queue';")).ShouldBe(1);
    }

    [Fact]
    public async Task A_version_2_file_is_upgraded_with_its_payloads_counted_as_indexed()
    {
        var inbox = CreateSut();
        var before = await AppendIndexedAsync(inbox, TextMessage(1).Body, T0);
        await inbox.DisposeAsync();
        // What a version 2 file looks like: no index state.
        await ExecuteAsync("""
            ALTER TABLE webhook_payloads DROP COLUMN index_error;
            ALTER TABLE webhook_payloads DROP COLUMN index_state;
            ALTER TABLE webhook_events DROP COLUMN raw_offset;
            ALTER TABLE webhook_events DROP COLUMN raw_length;
            PRAGMA user_version=2;
            """);

        var upgraded = CreateSut();
        var after = await AppendIndexedAsync(upgraded, TextMessage(2).Body, T0);

        (await upgraded.GetPayloadAsync(before.Id, Ct))!.IndexState.ShouldBe("indexed");
        after.IndexState.ShouldBe("indexed");
        (await AllEvents(upgraded)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_version_3_file_keeps_its_page_size_and_body_hash_column_and_takes_new_payloads()
    {
        // What a version 3 file looks like where it differs: 4 KB pages, a NOT NULL body hash without a default, the
        // payloads' received_at index and the partial index of unindexed payloads. Create adds the other tables.
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await ExecuteAsync("""
            PRAGMA page_size=4096;
            PRAGMA journal_mode=WAL;
            CREATE TABLE webhook_payloads (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                received_at INTEGER NOT NULL,
                body BLOB NOT NULL,
                body_sha256 TEXT NOT NULL,
                event_count INTEGER NOT NULL,
                new_event_count INTEGER NOT NULL DEFAULT 0,
                duplicate_event_count INTEGER NOT NULL DEFAULT 0,
                phone_number_id TEXT NOT NULL DEFAULT '',
                relay_state TEXT NOT NULL DEFAULT 'none' CHECK (relay_state IN ('none', 'pending', 'delivered', 'dead')),
                index_state TEXT NOT NULL DEFAULT 'unindexed',
                index_error TEXT
            );
            CREATE INDEX ix_webhook_payloads_received_at ON webhook_payloads (received_at);
            CREATE INDEX ix_webhook_payloads_unindexed ON webhook_payloads (id) WHERE index_state = 'unindexed';
            PRAGMA user_version=3;
            """);

        var inbox = CreateSut();
        var stored = await AppendIndexedAsync(inbox, TextMessage(1).Body, T0);

        stored.IndexState.ShouldBe("indexed");
        (await AllEvents(inbox)).ShouldHaveSingleItem().Event.Wamid.ShouldBe("wamid.TEST1");
        (await ScalarAsync("PRAGMA page_size;")).ShouldBe(4096);
        (await ScalarAsync("SELECT COUNT(*) FROM pragma_table_info('webhook_payloads') WHERE name = 'body_sha256';")).ShouldBe(1);
        (await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('ix_webhook_payloads_received_at', 'ix_webhook_payloads_unindexed');")).ShouldBe(0);
        (await ScalarAsync("PRAGMA user_version;")).ShouldBe(6);
    }

    [Fact]
    public async Task A_new_file_uses_16_KB_pages_and_stores_no_body_hash()
    {
        var inbox = CreateSut();
        var first = await AppendIndexedAsync(inbox, TextMessage(1).Body, T0);
        var second = await AppendIndexedAsync(inbox, TextMessage(2).Body, T0);

        second.Id.ShouldBe(first.Id + 1);
        (await ScalarAsync("PRAGMA page_size;")).ShouldBe(16384);
        (await ScalarAsync("SELECT COUNT(*) FROM pragma_table_info('webhook_payloads') WHERE name = 'body_sha256';")).ShouldBe(0);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private Task InsertRelayTargetAsync() =>
        ExecuteAsync("INSERT INTO webhook_relay_targets (name, url, enabled, created_at) VALUES ('app', 'https://app.example/hook', 1, 0);");

    private Task<long> PendingDeliveriesAsync() => ScalarAsync("SELECT COUNT(*) FROM webhook_relay_deliveries WHERE state = 'pending';");

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
