using System.Text;
using Evertoken.WhatsApp;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.Tests.WhatsApp;

/// <summary>
/// The behaviour every <see cref="IWebhookInbox"/> with a relay queue must have (SQLite here, PostgreSQL in the
/// integration tests). Subclass it once per store: <see cref="CreateInboxAsync"/> opens a new inbox on the test's own
/// storage (a second call sees what the first stored), the probes read the writer's counters, and
/// <see cref="QueueOf"/> gives the relay queue kept beside the inbox's payloads.
/// </summary>
public abstract class WebhookInboxContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly List<IWebhookInbox> _inboxes = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new inbox on this test's storage (not initialised). <paramref name="beforeBatch"/> runs before each batch the writer writes.</summary>
    protected abstract Task<IWebhookInbox> CreateInboxAsync(int maxBatchSize, Func<CancellationToken, ValueTask>? beforeBatch);

    /// <summary>Creates the tables and starts the writer.</summary>
    protected abstract Task InitializeAsync(IWebhookInbox inbox);

    /// <summary>The writer's counters: appends waiting, transactions committed, appends committed.</summary>
    protected abstract (int Queued, long Batches, long Appends) Counters(IWebhookInbox inbox);

    /// <summary>The relay queue beside the inbox's payloads.</summary>
    private protected abstract IWebhookRelayQueue QueueOf(IWebhookInbox inbox);

    /// <summary>Releases the test's storage (after every inbox is disposed).</summary>
    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var inbox in _inboxes)
        {
            if (inbox is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    protected async Task<IWebhookInbox> CreateSutAsync(int maxBatchSize = 256, Func<CancellationToken, ValueTask>? beforeBatch = null)
    {
        var inbox = await CreateInboxAsync(maxBatchSize, beforeBatch);
        _inboxes.Add(inbox);
        return inbox;
    }

    /// <summary>Appends and waits for the payload to be indexed (some stores index after the commit), then reports
    /// what indexing made of it.</summary>
    protected static async Task<Indexed> AppendIndexedAsync(IWebhookInbox inbox, byte[] body, DateTimeOffset receivedAt)
    {
        var appended = await inbox.AppendAsync(body, receivedAt, Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await inbox.WaitForIndexAsync(appended.PayloadId, deadline.Token);
        var payload = (await inbox.GetPayloadAsync(appended.PayloadId, Ct)).ShouldNotBeNull();
        return new Indexed(appended.PayloadId, payload.NewEventCount, payload.DuplicateEventCount);
    }

    /// <summary>A payload as indexed.</summary>
    protected sealed record Indexed(long PayloadId, int NewEvents, int DuplicateEvents);

    protected static (byte[] Body, IReadOnlyList<WebhookEvent> Events) Parsed(byte[] body)
    {
        var result = WebhookEventExtractor.Extract(body);
        result.IsSuccess.ShouldBeTrue(result.Error);
        return (body, result.Events);
    }

    protected static (byte[] Body, IReadOnlyList<WebhookEvent> Events) Fixture(string name) => Parsed(WhatsAppFixtures.Bytes(name));

    protected static (byte[] Body, IReadOnlyList<WebhookEvent> Events) TextMessage(int n, string phoneNumberId = "106540352242922") =>
        Parsed(Encoding.UTF8.GetBytes($$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
             "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"{{{phoneNumberId}}}"},
             "messages":[{"from":"15550001111","id":"wamid.TEST{{{n}}}","timestamp":"{{{1750000000 + n}}}","type":"text","text":{"body":"hello {{{n}}}"}}]}}]}]}
            """));

    protected static async Task<List<StoredWebhookEvent>> AllEvents(IWebhookInbox inbox, WebhookEventQuery? query = null)
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
        var inbox = await CreateSutAsync();
        var (body, events) = Fixture("webhook.status.failed-131047.json");

        var appended = await AppendIndexedAsync(inbox, body, T0);

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
        (payload.EventCount, payload.NewEventCount, payload.DuplicateEventCount, payload.RelayState).ShouldBe((1, 1, 0, "none"));
        (await inbox.GetPayloadAsync(appended.PayloadId + 1, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Queries_filter_by_phone_number_kind_type_status_wamid_and_time()
    {
        var inbox = await CreateSutAsync();
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
            await AppendIndexedAsync(inbox, body, T0.AddMinutes(i));
        }

        var (otherBody, otherEvents) = TextMessage(1, phoneNumberId: "999");
        await AppendIndexedAsync(inbox, otherBody, T0.AddMinutes(10));

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
        (await AllEvents(inbox, new WebhookEventQuery { Kind = WebhookEventKind.Message, PhoneNumberId = "999", MessageType = "text" }))
            .Select(e => e.Event.Wamid).ShouldBe(["wamid.TEST1"]);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_gaps_or_repeats()
    {
        var inbox = await CreateSutAsync();
        for (var i = 0; i < 7; i++)
        {
            var (body, events) = TextMessage(i);
            await AppendIndexedAsync(inbox, body, T0);
        }

        var first = await inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 3 }, Ct);
        var second = await inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 3, After = first.NextAfter }, Ct);
        var third = await inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 3, After = second.NextAfter }, Ct);

        first.Events.Concat(second.Events).Concat(third.Events).Select(e => e.Event.Wamid)
            .ShouldBe(Enumerable.Range(0, 7).Select(i => $"wamid.TEST{i}"));
        third.NextAfter.ShouldBeNull();
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 0 }, Ct));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => inbox.QueryEventsAsync(new WebhookEventQuery { Limit = WebhookEventQuery.MaxLimit + 1 }, Ct));
    }

    [Fact]
    public async Task The_last_event_id_is_null_when_empty_then_the_newest_id()
    {
        var inbox = await CreateSutAsync();
        (await inbox.GetLastEventIdAsync(Ct)).ShouldBeNull();
        for (var i = 0; i < 3; i++)
        {
            var (body, events) = TextMessage(i);
            await AppendIndexedAsync(inbox, body, T0);
        }

        var last = await inbox.GetLastEventIdAsync(Ct);

        last.ShouldBe((await AllEvents(inbox)).Max(e => e.Id));
        (await inbox.QueryEventsAsync(new WebhookEventQuery { After = last }, Ct)).Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_redelivered_payload_is_kept_for_audit_but_its_events_are_only_counted_as_duplicates()
    {
        var inbox = await CreateSutAsync();
        var (body, events) = Fixture("webhook.message.text-message.json");

        var first = await AppendIndexedAsync(inbox, body, T0);
        var again = await AppendIndexedAsync(inbox, body, T0.AddMinutes(5));

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
        var inbox = await CreateSutAsync();
        var (sentBody, sent) = Fixture("webhook.status.sent-cbp-with-conversation.json");
        var (readBody, read) = Fixture("webhook.status.read.json");

        await AppendIndexedAsync(inbox, sentBody, T0);
        await AppendIndexedAsync(inbox, readBody, T0);
        var duplicate = await AppendIndexedAsync(inbox, readBody, T0);

        duplicate.DuplicateEvents.ShouldBe(1);
        (await AllEvents(inbox)).Select(e => e.Event.Status).ShouldBe(["sent", "read"]);
    }

    [Fact]
    public async Task A_burst_queued_while_the_writer_is_held_is_group_committed_and_each_payload_stored_exactly_once()
    {
        const int count = 1000;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inbox = await CreateSutAsync(maxBatchSize: 128, beforeBatch: async ct => await gate.Task.WaitAsync(ct));
        await InitializeAsync(inbox);
        var payloads = Enumerable.Range(0, count).Select(i => TextMessage(i)).ToList();

        // Every append is queued while the writer waits at the gate, so batching does not depend on timing.
        var appends = payloads.Select(p => Task.Run(() => AppendIndexedAsync(inbox, p.Body, T0), Ct)).ToList();
        await WaitUntil(() => Counters(inbox).Queued == count);
        gate.SetResult();
        var results = await Task.WhenAll(appends);

        results.Sum(r => r.NewEvents).ShouldBe(count);
        results.Select(r => r.PayloadId).Distinct().Count().ShouldBe(count);
        var (_, batches, committed) = Counters(inbox);
        committed.ShouldBe(count);
        batches.ShouldBe((count + 127) / 128);

        // Durable: a fresh inbox on the same storage sees every event and payload.
        await ((IAsyncDisposable)inbox).DisposeAsync();
        var reopened = await CreateSutAsync();
        (await AllEvents(reopened)).Select(e => e.Event.Wamid).Order(StringComparer.Ordinal)
            .ShouldBe(Enumerable.Range(0, count).Select(i => $"wamid.TEST{i}").Order(StringComparer.Ordinal));
        (await reopened.GetPayloadAsync(results[^1].PayloadId, Ct))!.Body.ToArray().ShouldBe(payloads[^1].Body);
    }

    [Fact]
    public async Task Concurrent_appends_with_duplicates_store_each_event_once_and_count_every_redelivery()
    {
        const int count = 500;
        var inbox = await CreateSutAsync(maxBatchSize: 64);
        var payloads = Enumerable.Range(0, count).Select(i => TextMessage(i % 250)).ToList();

        var results = await Task.WhenAll(payloads.Select(p => Task.Run(() => AppendIndexedAsync(inbox, p.Body, T0), Ct)));

        results.Sum(r => r.NewEvents).ShouldBe(250);
        results.Sum(r => r.DuplicateEvents).ShouldBe(250);
        Counters(inbox).Appends.ShouldBe(count);
        var stored = await AllEvents(inbox);
        stored.Select(e => e.Event.Wamid).Distinct().Count().ShouldBe(250);
        stored.Count.ShouldBe(250);
        stored.Sum(e => e.DuplicateCount).ShouldBe(250);
    }

    [Fact]
    public async Task Two_inboxes_on_the_same_storage_share_deduplication()
    {
        var first = await CreateSutAsync();
        var second = await CreateSutAsync();
        var payloads = Enumerable.Range(0, 200).Select(i => TextMessage(i)).ToList();

        // Every payload goes to both inboxes at once, as Meta's retries may land on two instances.
        var results = await Task.WhenAll(payloads.SelectMany(p => new[] { first, second }
            .Select(inbox => Task.Run(() => AppendIndexedAsync(inbox, p.Body, T0), Ct))));

        results.Sum(r => r.NewEvents).ShouldBe(200);
        results.Sum(r => r.DuplicateEvents).ShouldBe(200);
        (await AllEvents(first)).Count.ShouldBe(200);
        (await AllEvents(second)).Sum(e => e.DuplicateCount).ShouldBe(200);
    }

    [Fact]
    public async Task A_payload_with_new_events_queues_one_pending_delivery_per_enabled_matching_relay_target()
    {
        var inbox = await CreateSutAsync();
        await InitializeAsync(inbox);
        var queue = QueueOf(inbox);
        await queue.SyncTargetsAsync([("old", "https://old.example/hook", "*")], 0, Ct);
        var ids = await queue.SyncTargetsAsync([("app", "https://app.example/hook", "*"), ("other-number", "https://other.example/hook", "999")], 0, Ct);

        var (body, events) = Fixture("webhook.message.text-message.json");
        var first = await AppendIndexedAsync(inbox, body, T0);
        await AppendIndexedAsync(inbox, body, T0);

        var status = await queue.GetStatusAsync(100, Ct);
        status.Targets.Select(t => (t.Name, t.Enabled, t.Pending)).ShouldBe([("old", false, 0), ("app", true, 1), ("other-number", true, 0)]);
        var delivery = status.Deliveries.ShouldHaveSingleItem();
        (delivery.PayloadId, delivery.Target, delivery.State, delivery.Attempts, delivery.NextAttemptAt).ShouldBe((first.PayloadId, "app", "pending", 0, T0));
        var claimed = (await queue.ClaimAsync([.. ids.Values], T0.ToUnixTimeMilliseconds(), T0.AddMinutes(1).ToUnixTimeMilliseconds(), 10, Ct)).ShouldHaveSingleItem();
        (claimed.PayloadId, claimed.TargetId, claimed.Attempt, claimed.QueuedAt).ShouldBe((first.PayloadId, ids["app"], 1, T0.ToUnixTimeMilliseconds()));
        claimed.Body.ShouldBe(body);
    }

    [Fact]
    public async Task Concurrent_claims_from_two_queues_never_hand_out_the_same_delivery_and_keep_one_in_flight_per_conversation()
    {
        var inbox = await CreateSutAsync();
        await InitializeAsync(inbox);
        var (a, b) = (QueueOf(inbox), QueueOf(inbox));
        var target = (await a.SyncTargetsAsync([("app", "https://app.example/hook", "*")], 0, Ct))["app"];
        // 40 conversations (phone numbers) with 3 payloads each: 40 queue heads are due at once.
        for (var n = 0; n < 3; n++)
        {
            for (var phone = 0; phone < 40; phone++)
            {
                var (body, events) = TextMessage((n * 100) + phone, phoneNumberId: $"10000000000{phone:D4}");
                await AppendIndexedAsync(inbox, body, T0);
            }
        }

        var now = T0.ToUnixTimeMilliseconds();
        var lease = T0.AddMinutes(2).ToUnixTimeMilliseconds();
        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).ClaimAsync([target], now, lease, 5, Ct), Ct)));

        var all = claims.SelectMany(c => c).ToList();
        all.Select(d => d.Id).Distinct().Count().ShouldBe(all.Count, "a delivery was handed out twice");
        all.Count.ShouldBe(40, "every conversation's head is claimed once, and nothing behind a head");
        (await a.ClaimAsync([target], now, lease, 100, Ct)).ShouldBeEmpty();
        (await b.ClaimAsync([target], now, lease, 100, Ct)).ShouldBeEmpty();

        // Delivering the heads makes each conversation's next payload due, in order.
        foreach (var delivery in all)
        {
            await a.MarkDeliveredAsync(delivery, now, 200, Ct);
        }

        var next = await b.ClaimAsync([target], now, lease, 100, Ct);
        next.Count.ShouldBe(40);
        next.Select(d => d.PayloadId).Min().ShouldBeGreaterThan(all.Select(d => d.PayloadId).Max());
    }

    [Fact]
    public async Task A_lease_left_by_a_dead_relay_is_taken_over_once_it_runs_out()
    {
        var inbox = await CreateSutAsync();
        await InitializeAsync(inbox);
        var (dead, survivor) = (QueueOf(inbox), QueueOf(inbox));
        var target = (await dead.SyncTargetsAsync([("app", "https://app.example/hook", "*")], 0, Ct))["app"];
        var (body, events) = TextMessage(1);
        var appended = await AppendIndexedAsync(inbox, body, T0);
        var now = T0.ToUnixTimeMilliseconds();
        var leaseEnd = T0.AddMinutes(2).ToUnixTimeMilliseconds();

        var taken = (await dead.ClaimAsync([target], now, leaseEnd, 10, Ct)).ShouldHaveSingleItem();

        (await survivor.ClaimAsync([target], leaseEnd - 1, leaseEnd + 60_000, 10, Ct)).ShouldBeEmpty();
        var takenOver = (await survivor.ClaimAsync([target], leaseEnd, leaseEnd + 60_000, 10, Ct)).ShouldHaveSingleItem();
        takenOver.Id.ShouldBe(taken.Id);
        takenOver.Attempt.ShouldBe(2);
        await survivor.MarkDeliveredAsync(takenOver, leaseEnd, 200, Ct);
        (await inbox.GetPayloadAsync(appended.PayloadId, Ct))!.RelayState.ShouldBe("delivered");
    }

    [Fact]
    public async Task A_payload_is_pending_only_when_a_relay_target_takes_its_number()
    {
        var inbox = await CreateSutAsync();
        await InitializeAsync(inbox);
        var queue = QueueOf(inbox);
        await queue.SyncTargetsAsync([("other-number", "https://other.example/hook", "999")], 0, Ct);
        var unrelayed = await AppendIndexedAsync(inbox, TextMessage(1).Body, T0);
        await queue.SyncTargetsAsync([("other-number", "https://other.example/hook", "999"), ("app", "https://app.example/hook", "106540352242922")], 0, Ct);
        var relayed = await AppendIndexedAsync(inbox, TextMessage(2).Body, T0);

        (await inbox.GetPayloadAsync(unrelayed.PayloadId, Ct))!.RelayState.ShouldBe("none");
        (await inbox.GetPayloadAsync(relayed.PayloadId, Ct))!.RelayState.ShouldBe("pending");
        (await queue.GetStatusAsync(10, Ct)).Deliveries.ShouldHaveSingleItem().PayloadId.ShouldBe(relayed.PayloadId);
    }

    [Fact]
    public async Task Failures_retry_then_die_and_a_requeue_makes_the_payload_pending_again()
    {
        var inbox = await CreateSutAsync();
        await InitializeAsync(inbox);
        var queue = QueueOf(inbox);
        var target = (await queue.SyncTargetsAsync([("app", "https://app.example/hook", "*")], 0, Ct))["app"];
        var (body, events) = TextMessage(1);
        var appended = await AppendIndexedAsync(inbox, body, T0);
        var stored = (await AllEvents(inbox)).Single();
        var now = T0.ToUnixTimeMilliseconds();

        var first = (await queue.ClaimAsync([target], now, now + 1000, 10, Ct)).Single();
        await queue.MarkFailedAsync(first, now + 5000, 500, "the receiver answered HTTP 500", Ct);
        (await queue.ClaimAsync([target], now + 4999, now + 6000, 10, Ct)).ShouldBeEmpty();
        var second = (await queue.ClaimAsync([target], now + 5000, now + 6000, 10, Ct)).Single();
        await queue.MarkFailedAsync(second, null, null, "no answer", Ct);

        (await inbox.GetPayloadAsync(appended.PayloadId, Ct))!.RelayState.ShouldBe("dead");
        var status = await queue.GetStatusAsync(10, Ct);
        status.Targets.Single().Dead.ShouldBe(1);
        (status.Deliveries.Single().Attempts, status.Deliveries.Single().LastError).ShouldBe((2, "no answer"));

        (await queue.PayloadOfEventAsync(stored.Id, Ct)).ShouldBe(appended.PayloadId);
        (await queue.PayloadOfEventAsync(stored.Id + 1000, Ct)).ShouldBeNull();
        (await queue.RequeueAsync(appended.PayloadId + 1000, now, Ct)).ShouldBeNull();
        (await queue.RequeueAsync(appended.PayloadId, now + 10_000, Ct)).ShouldBe(1);
        (await inbox.GetPayloadAsync(appended.PayloadId, Ct))!.RelayState.ShouldBe("pending");
        (await queue.ClaimAsync([target], now + 10_000, now + 11_000, 10, Ct)).Single().Attempt.ShouldBe(1);
    }

    [Fact]
    public async Task Appending_after_dispose_throws()
    {
        var inbox = await CreateSutAsync();
        await InitializeAsync(inbox);
        await ((IAsyncDisposable)inbox).DisposeAsync();
        var (body, events) = TextMessage(1);

        await Should.ThrowAsync<ObjectDisposedException>(() => AppendIndexedAsync(inbox, body, T0));
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
}
