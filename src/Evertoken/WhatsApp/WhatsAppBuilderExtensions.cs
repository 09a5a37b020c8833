using Evertoken.Hosting;
using Evertoken.Storage.Internal;
using Evertoken.WhatsApp.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// Adds the WhatsApp parts to <c>services.AddEvertoken(...)</c>: sending with managed tokens, the webhook inbox and
/// the webhook relay. Every service is registered with <c>TryAdd</c>, so a host can replace it; options are validated
/// at start with every problem listed.
/// </summary>
public static class WhatsAppBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="CloudApiClient"/> (a typed HttpClient without a token handler), the per-number
    /// <see cref="MessageThrottle"/> and <see cref="ManagedCloudApiClient"/>.
    /// </summary>
    public static EvertokenBuilder AddWhatsAppMessaging(this EvertokenBuilder builder, Action<MessageThrottleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<MessageThrottleOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessageThrottleOptions>, MessageThrottleOptions.Validator>());
        // The call timeout is GraphOptions.Timeout, applied per call; the client's own would cut it shorter.
        services.AddHttpClient<CloudApiClient>(http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<MessageThrottle>();
        services.TryAddTransient<ManagedCloudApiClient>();
        return builder;
    }

    /// <summary>
    /// Adds the <see cref="SqliteWebhookInbox"/> as <see cref="IWebhookInbox"/>. A relative
    /// <see cref="WebhookInboxOptions.DatabasePath"/> (default <c>webhooks.db</c>) is placed in the data folder, a
    /// file of its own so webhook bursts never wait on token writes. When the store is
    /// <see cref="StoreKind.Postgres"/>, the <see cref="PostgresWebhookInbox"/> on the same database is the
    /// <see cref="IWebhookInbox"/> instead, so every instance shares one inbox.
    /// </summary>
    public static EvertokenBuilder AddWebhookInbox(this EvertokenBuilder builder, Action<WebhookInboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<WebhookInboxOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure<IOptions<EvertokenOptions>>((inbox, evertoken) =>
        {
            if (!Path.IsPathRooted(inbox.DatabasePath))
            {
                inbox.DatabasePath = Path.Combine(evertoken.Value.ResolvedDataFolder, inbox.DatabasePath);
            }
        });
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookInboxOptions>, WebhookInboxOptions.Validator>());
        services.TryAddSingleton<SqliteWebhookInbox>();
        services.TryAddSingleton(sp => new PostgresWebhookInbox(sp.GetRequiredService<PostgresDatabase>().DataSource,
            sp.GetRequiredService<IOptions<WebhookInboxOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IWebhookInbox>(sp => sp.GetRequiredService<IOptions<EvertokenOptions>>().Value.Store == StoreKind.Postgres
            ? sp.GetRequiredService<PostgresWebhookInbox>()
            : sp.GetRequiredService<SqliteWebhookInbox>());
        return builder;
    }

    /// <summary>
    /// Adds what <see cref="WebhookEndpointRouteBuilderExtensions.MapEvertokenWebhooks"/> needs: the inbox (see
    /// <see cref="AddWebhookInbox"/>), the receiver's options (validated at start) and the loop that hands stored events
    /// to every <see cref="IWebhookEventHandler"/> (see <see cref="AddWebhookEventHandler{THandler}"/>). Signatures are
    /// checked against <see cref="WebhookReceiverOptions.AppSecrets"/> and the secrets of the apps in the token store.
    /// </summary>
    public static EvertokenBuilder AddWebhooks(this EvertokenBuilder builder, Action<WebhookReceiverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddWebhookInbox();
        var services = builder.Services;
        var options = services.AddOptions<WebhookReceiverOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookReceiverOptions>, WebhookReceiverOptions.Validator>());
        services.AddOptions<WebhookHandlerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookHandlerOptions>, WebhookHandlerOptions.Validator>());
        services.TryAddSingleton<WebhookSecretCache>();
        services.TryAddSingleton<WebhookReceiverHandler>();
        services.TryAddSingleton<WebhookEventDispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookEventDispatcher>(sp => sp.GetRequiredService<WebhookEventDispatcher>()));
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> (a singleton; the app's own registration of it when there is one) to receive every stored webhook event, at least once, in
    /// storage order, after Meta's 200 (see <see cref="IWebhookEventHandler"/>). <paramref name="configure"/> sets the
    /// loop's cursor file, poll interval and retries.
    /// </summary>
    public static EvertokenBuilder AddWebhookEventHandler<THandler>(this EvertokenBuilder builder, Action<WebhookHandlerOptions>? configure = null)
        where THandler : class, IWebhookEventHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddWebhooks();
        // A THandler the app registered itself (an instance, or with its own lifetime setup) is the one used.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebhookEventHandler, THandler>(
            sp => sp.GetService<THandler>() ?? ActivatorUtilities.CreateInstance<THandler>(sp)));
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder;
    }

    /// <summary>
    /// Adds the <see cref="WebhookRelay"/> as a hosted service over the <see cref="IWebhookInbox"/> of
    /// <see cref="AddWebhookInbox"/> (SQLite or PostgreSQL; its queue lives beside the payloads) and its named HttpClient.
    /// </summary>
    public static EvertokenBuilder AddWebhookRelay(this EvertokenBuilder builder, Action<WebhookRelayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<WebhookRelayOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookRelayOptions>, WebhookRelayOptions.Validator>());
        // Each POST has its own timeout (WebhookRelayOptions.Timeout) and the relay does its own retries.
        services.AddHttpClient(WebhookRelay.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<WebhookRelay>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookRelay>(sp => sp.GetRequiredService<WebhookRelay>()));
        return builder;
    }
}
