using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>Settings of the loop that hands stored webhook events to every <see cref="IWebhookEventHandler"/>.</summary>
public sealed class WebhookHandlerOptions
{
    /// <summary>The file that records the last event handed to every handler, so a restart goes on from there.
    /// A relative path is placed in the data folder. Default <c>webhook-handlers.cursor</c>. With the PostgreSQL store
    /// the instances share the cursor in the database instead; this file is then read only once, when the database
    /// has no cursor yet (an instance that ran alone before goes on from where it was).</summary>
    public string CursorFile { get; set; } = "webhook-handlers.cursor";

    /// <summary>How often the loop looks for new events when no webhook woke it (a webhook received by this process
    /// wakes it at once; events stored by another instance are seen on the poll). Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts per event and handler before the loop logs an error and moves on. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait after a handler's first failure; it doubles after each further failure. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks the options and reports every problem at once.</summary>
    public sealed class Validator : IValidateOptions<WebhookHandlerOptions>
    {
        /// <inheritdoc />
        public ValidateOptionsResult Validate(string? name, WebhookHandlerOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var problems = new List<string>();
            if (string.IsNullOrWhiteSpace(options.CursorFile))
            {
                problems.Add("WebhookHandlerOptions.CursorFile must name a file.");
            }

            if (options.PollInterval <= TimeSpan.Zero)
            {
                problems.Add("WebhookHandlerOptions.PollInterval must be positive.");
            }

            if (options.MaxAttempts < 1)
            {
                problems.Add("WebhookHandlerOptions.MaxAttempts must be at least 1.");
            }

            if (options.RetryDelay < TimeSpan.Zero)
            {
                problems.Add("WebhookHandlerOptions.RetryDelay must not be negative.");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
