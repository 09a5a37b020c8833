using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>Settings of <see cref="SqliteWebhookInbox"/>.</summary>
public sealed class WebhookInboxOptions
{
    /// <summary>The SQLite file. Default <c>webhooks.db</c> in the working directory; its folder is created when missing.</summary>
    public string DatabasePath { get; set; } = "webhooks.db";

    /// <summary>
    /// Use <c>synchronous=FULL</c>: a commit survives a power loss, at the cost of an fsync per batch. Default false:
    /// <c>synchronous=NORMAL</c> in WAL mode, where a commit survives a crash of the process but the last batches may be
    /// lost on power loss.
    /// </summary>
    public bool SynchronousFull { get; set; }

    /// <summary>The most appends written in one transaction by the writer loop. Default 256.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// How long a stored payload may wait unindexed during a burst. Default 15 seconds. While webhooks keep arriving
    /// (an append waits or was committed in the last 50 ms) the writer spends its time only on storing payloads and
    /// acknowledging them, and indexing waits for the burst to end, until the oldest unindexed payload is this old (or
    /// the backlog reaches <see cref="MaxIndexLag"/>); from then on index slices run between append batches again, so
    /// events reach queries and the relay at most about this late, at the cost of a lower acceptance rate while the
    /// burst lasts. A smaller value keeps them current but caps the burst rate at the indexing rate sooner. Between
    /// zero and one hour. SQLite inbox only (the PostgreSQL inbox indexes within the append).
    /// </summary>
    public TimeSpan MaxIndexDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many stored payloads may wait unindexed during a burst, whatever their age (see <see cref="MaxIndexDelay"/>).
    /// Default 1,000,000 (about 2 GB of 2 KB payloads). Between 1 and 10,000,000.
    /// </summary>
    public int MaxIndexLag { get; set; } = 1_000_000;

    /// <summary>
    /// How often the inbox file's newly written pages are synced to disk ahead of SQLite's own syncs (see
    /// <see cref="SqliteWebhookInbox"/>). Default 20 ms; zero turns it off. SQLite otherwise syncs a checkpoint's worth
    /// of pages at once on the writer thread, and every webhook waiting for its 200 waits for that disk write. It never
    /// makes a sync unnecessary, so durability is the same either way. Between zero and one second. SQLite inbox only.
    /// </summary>
    public TimeSpan FileFlushInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Checks the options and reports every problem at once.</summary>
    public sealed class Validator : IValidateOptions<WebhookInboxOptions>
    {
        /// <inheritdoc />
        public ValidateOptionsResult Validate(string? name, WebhookInboxOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var problems = new List<string>();
            if (string.IsNullOrWhiteSpace(options.DatabasePath))
            {
                problems.Add("WebhookInbox:DatabasePath is required.");
            }

            if (options.MaxBatchSize is < 1 or > 10_000)
            {
                problems.Add($"WebhookInbox:MaxBatchSize must be between 1 and 10000 (got {options.MaxBatchSize}).");
            }

            if (options.MaxIndexDelay < TimeSpan.Zero || options.MaxIndexDelay > TimeSpan.FromHours(1))
            {
                problems.Add($"WebhookInbox:MaxIndexDelay must be between 00:00:00 and 01:00:00 (got {options.MaxIndexDelay}).");
            }

            if (options.MaxIndexLag is < 1 or > 10_000_000)
            {
                problems.Add($"WebhookInbox:MaxIndexLag must be between 1 and 10000000 (got {options.MaxIndexLag}).");
            }

            if (options.FileFlushInterval < TimeSpan.Zero || options.FileFlushInterval > TimeSpan.FromSeconds(1))
            {
                problems.Add($"WebhookInbox:FileFlushInterval must be between 00:00:00 and 00:00:01 (got {options.FileFlushInterval}).");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
