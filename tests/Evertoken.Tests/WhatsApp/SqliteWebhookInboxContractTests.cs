using Evertoken.Tests.Storage;
using Evertoken.WhatsApp;
using Evertoken.WhatsApp.Internal;
using Microsoft.Extensions.Options;

namespace Evertoken.Tests.WhatsApp;

/// <summary>The inbox and relay queue contract against a real SQLite file, one temp folder per test.</summary>
public sealed class SqliteWebhookInboxContractTests : WebhookInboxContractTests
{
    private readonly TempFolder _folder = new();

    protected override Task<IWebhookInbox> CreateInboxAsync(int maxBatchSize, Func<CancellationToken, ValueTask>? beforeBatch) =>
        Task.FromResult<IWebhookInbox>(new SqliteWebhookInbox(Options.Create(new WebhookInboxOptions
        {
            DatabasePath = _folder.File("webhooks.db"),
            MaxBatchSize = maxBatchSize,
        }), beforeBatch));

    protected override Task InitializeAsync(IWebhookInbox inbox) => ((SqliteWebhookInbox)inbox).InitializeAsync(Ct);

    protected override (int Queued, long Batches, long Appends) Counters(IWebhookInbox inbox)
    {
        var sqlite = (SqliteWebhookInbox)inbox;
        return (sqlite.QueuedAppends, sqlite.CommittedBatches, sqlite.CommittedAppends);
    }

    private protected override IWebhookRelayQueue QueueOf(IWebhookInbox inbox) => new WebhookRelayStore((SqliteWebhookInbox)inbox);

    protected override ValueTask DisposeStorageAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
