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
    /// How many stored payloads may wait unindexed during a burst. Default 50,000. While webhooks keep arriving (an
    /// append waits or was committed in the last 50 ms) the writer spends its time only on storing payloads and
    /// acknowledging them, and indexing waits for the burst to end, up to this backlog; past it, index slices run
    /// between append batches again, so the backlog stays bounded at the cost of a lower acceptance rate. The
    /// trade-off: during a burst, queries and the relay see events later (a 50,000 backlog takes a few seconds to
    /// index once the burst ends); a small value keeps them current but caps the burst rate at the indexing rate.
    /// Between 1 and 10,000,000.
    /// </summary>
    public int MaxIndexLag { get; set; } = 50_000;

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

            if (options.MaxIndexLag is < 1 or > 10_000_000)
            {
                problems.Add($"WebhookInbox:MaxIndexLag must be between 1 and 10000000 (got {options.MaxIndexLag}).");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
