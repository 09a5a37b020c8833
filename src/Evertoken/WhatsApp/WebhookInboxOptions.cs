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

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
