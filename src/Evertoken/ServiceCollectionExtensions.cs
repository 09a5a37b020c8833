using Evertoken.Alerts;
using Evertoken.Graph;
using Evertoken.Hosting;
using Evertoken.Sinks.Internal;
using Evertoken.Storage;
using Evertoken.Storage.Internal;
using Evertoken.Tokens;
using Evertoken.WhatsApp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The one public entry point of the library: <c>services.AddEvertoken(...)</c>.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the store, the master key, the Graph client, the <see cref="TokenKeeper"/> and the doctor. Every part is
    /// registered with <c>TryAdd</c>, so a host can replace it. The options are validated at start and every problem is
    /// listed in one message (an <see cref="OptionsValidationException"/> from the host's <c>StartAsync</c>). Add
    /// <see cref="EvertokenBuilder.AddRefreshWorker"/> to renew tokens in the background, and
    /// <see cref="HttpClientBuilderExtensions.AddEvertokenHandler"/> to put a token on an <see cref="HttpClient"/>.
    /// </summary>
    public static EvertokenBuilder AddEvertoken(this IServiceCollection services, Action<EvertokenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EvertokenOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EvertokenOptions>, EvertokenOptions.Validator>());
        services.TryAddSingleton(TimeProvider.System);

        // Sub-options are views of EvertokenOptions, so one configuration section drives everything.
        services.TryAddSingleton<IOptions<GraphOptions>>(sp => Options.Options.Create(sp.GetRequiredService<IOptions<EvertokenOptions>>().Value.Graph));
        services.TryAddSingleton<IOptions<RefreshPolicyOptions>>(sp => Options.Options.Create(sp.GetRequiredService<IOptions<EvertokenOptions>>().Value.Refresh));
        services.TryAddSingleton<IOptions<RefreshWorkerOptions>>(sp => Options.Options.Create(sp.GetRequiredService<IOptions<EvertokenOptions>>().Value.Worker));

        AddGraphClient(services);
        services.TryAddSingleton(sp => MasterKeyProvider.Load(KeyOptions(sp.GetRequiredService<IOptions<EvertokenOptions>>().Value)).Protector);
        services.TryAddSingleton(sp => new PostgresDatabase(sp.GetRequiredService<IOptions<EvertokenOptions>>().Value.PostgresConnectionString!));
        services.TryAddSingleton<ITokenStore>(CreateStore);
        services.TryAddSingleton<IClientKeyStore>(CreateClientKeyStore);
        services.TryAddSingleton<RefreshPolicy>();
        services.TryAddSingleton<IRefreshLock>(sp => IsPostgres(sp) ? new PostgresRefreshLock(sp.GetRequiredService<PostgresDatabase>().DataSource) : new NoRefreshLock());
        services.TryAddSingleton<TokenKeeper>();
        services.TryAddSingleton<ITokenKeeper>(sp => sp.GetRequiredService<TokenKeeper>());
        services.TryAddTransient<TokenDoctor>();
        services.TryAddTransient<TokenRegistrar>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EvertokenInitializer>());
        // Idle unless the store is Postgres: then it evicts cached tokens another instance replaced.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresTokenChangeListener>());

        services.AddSinksAndAlerts();
        services.TryAddSingleton<SinkObserver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITokenObserver, SinkObserver>(sp => sp.GetRequiredService<SinkObserver>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITokenObserver, AlertObserver>());
        services.AddHttpClient(nameof(WebhookAlertChannel));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, ConfiguredWebhookAlertChannel>());
        return new EvertokenBuilder(services);
    }

    /// <summary>
    /// <c>AddEvertoken</c> with the options bound from <paramref name="configuration"/> (keys as in <see cref="EvertokenOptions"/>:
    /// <c>Graph:BaseUrl</c>, <c>Store</c>, <c>Tokens:0:Name</c>, ...), then <paramref name="configure"/> on top.
    /// </summary>
    public static EvertokenBuilder AddEvertoken(this IServiceCollection services, IConfiguration configuration, Action<EvertokenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EvertokenOptions>().Bind(configuration);
        return services.AddEvertoken(configure);
    }

    /// <summary>
    /// Registers the typed <see cref="Evertoken.WhatsApp.CloudApiClient"/> on the managed token <paramref name="tokenName"/>
    /// (bearer token, appsecret_proof, one renewal and retry on 190). <see cref="GraphClient"/> is registered by
    /// <see cref="AddEvertoken(IServiceCollection, Action{EvertokenOptions})"/>; its methods take the token to act on explicitly.
    /// </summary>
    public static IServiceCollection AddEvertokenCloudApi(this IServiceCollection services, string tokenName)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpClient<Evertoken.WhatsApp.CloudApiClient>(http => http.Timeout = TimeSpan.FromSeconds(30)).AddEvertokenHandler(tokenName);
        return services;
    }

    /// <summary>
    /// The verified, deduplicated WhatsApp webhook receiver for an app's own host: call after <c>AddEvertoken</c>, then
    /// <c>app.MapEvertokenWebhooks("/webhooks/whatsapp")</c>; register callbacks with
    /// <see cref="AddEvertokenWebhookHandler{THandler}"/>. Payloads are stored in the SQLite inbox in the data folder
    /// (or PostgreSQL when the store is PostgreSQL) before Meta gets its 200.
    /// </summary>
    public static IServiceCollection AddEvertokenWebhooks(this IServiceCollection services, Action<Evertoken.WhatsApp.WebhookReceiverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        new EvertokenBuilder(services).AddWebhooks(configure);
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> to receive every stored webhook event, at least once, in storage order,
    /// after Meta's 200 (see <see cref="Evertoken.WhatsApp.IWebhookEventHandler"/>); adds the receiver's services if missing.
    /// </summary>
    public static IServiceCollection AddEvertokenWebhookHandler<THandler>(this IServiceCollection services, Action<Evertoken.WhatsApp.WebhookHandlerOptions>? configure = null)
        where THandler : class, Evertoken.WhatsApp.IWebhookEventHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        new EvertokenBuilder(services).AddWebhookEventHandler<THandler>(configure);
        return services;
    }

    // AddHttpClient<T> registers T with a plain Add; checking first keeps a host's own GraphClient registration.
    private static void AddGraphClient(IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(GraphClient)))
        {
            services.AddHttpClient<GraphClient>(http => http.Timeout = Timeout.InfiniteTimeSpan);
        }
    }

    private static MasterKeyOptions KeyOptions(EvertokenOptions o)
    {
        // MasterKeyOptions.FromEnvironment points at the environment's data folder; a configured DataFolder moves the key file with it.
        if (o.MasterKey.KeyFile is null || (o.DataFolder is not null && o.MasterKey.KeyFile == EvertokenPaths.DefaultMasterKeyFile))
        {
            o.MasterKey.KeyFile = Path.Combine(o.ResolvedDataFolder, EvertokenPaths.MasterKeyFileName);
        }

        return o.MasterKey;
    }

    private static ITokenStore CreateStore(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<EvertokenOptions>>().Value;
        var time = sp.GetRequiredService<TimeProvider>();
        return o.Store switch
        {
            StoreKind.InMemory => new InMemoryTokenStore(time),
            StoreKind.Sqlite => new SqliteTokenStore(
                new SqliteStoreOptions { DatabasePath = o.DatabasePath ?? Path.Combine(o.ResolvedDataFolder, EvertokenPaths.DatabaseFileName) },
                sp.GetRequiredService<SecretProtector>(), time),
            StoreKind.Postgres => new PostgresTokenStore(sp.GetRequiredService<PostgresDatabase>().DataSource, sp.GetRequiredService<SecretProtector>(), time),
            _ => throw new NotSupportedException($"Unknown store kind {o.Store}."),
        };
    }

    // Client keys live beside the tokens; the in-memory store keeps them in the data folder's SQLite file.
    private static IClientKeyStore CreateClientKeyStore(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<EvertokenOptions>>().Value;
        return o.Store == StoreKind.Postgres
            ? new PostgresClientKeyStore(sp.GetRequiredService<PostgresDatabase>().DataSource, sp.GetRequiredService<TimeProvider>())
            : new SqliteClientKeyStore(o.DatabasePath ?? Path.Combine(o.ResolvedDataFolder, EvertokenPaths.DatabaseFileName));
    }

    private static bool IsPostgres(IServiceProvider sp) => sp.GetRequiredService<IOptions<EvertokenOptions>>().Value.Store == StoreKind.Postgres;
}
