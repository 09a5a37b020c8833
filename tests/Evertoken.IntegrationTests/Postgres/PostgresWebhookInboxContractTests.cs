using Evertoken.Tests.WhatsApp;
using Evertoken.WhatsApp;
using Evertoken.WhatsApp.Internal;
using Microsoft.Extensions.Options;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>The inbox and relay queue contract (the same suite as SQLite) against PostgreSQL, one schema per test.
/// Each inbox has its own pool, as separate instances would.</summary>
public sealed class PostgresWebhookInboxContractTests : WebhookInboxContractTests
{
    private PostgresTestDatabase? _database;

    public override async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync(Ct);

    protected override Task<IWebhookInbox> CreateInboxAsync(int maxBatchSize, Func<CancellationToken, ValueTask>? beforeBatch) =>
        Task.FromResult<IWebhookInbox>(new PostgresWebhookInbox(_database!.ConnectionString, Options.Create(new WebhookInboxOptions { MaxBatchSize = maxBatchSize }))
        {
            BeforeBatch = beforeBatch,
        });

    protected override Task InitializeAsync(IWebhookInbox inbox) => ((PostgresWebhookInbox)inbox).InitializeAsync(Ct);

    protected override (int Queued, long Batches, long Appends) Counters(IWebhookInbox inbox)
    {
        var postgres = (PostgresWebhookInbox)inbox;
        return (postgres.QueuedAppends, postgres.CommittedBatches, postgres.CommittedAppends);
    }

    private protected override IWebhookRelayQueue QueueOf(IWebhookInbox inbox) => new PostgresWebhookRelayQueue((PostgresWebhookInbox)inbox);

    protected override async ValueTask DisposeStorageAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
