using System.Net.Http.Headers;
using System.Security.Cryptography;
using Evertoken.Emulator;
using Evertoken.Server.Hosting;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>
/// Several Evertoken servers sharing one PostgreSQL schema and one master key, each with its own data folder, all
/// talking to one emulator (and, in process, reading its clock). The token "main" is seeded straight into the store
/// (so no instance races another to register it) with a read-token client key for it.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    public const string TokenName = "main";

    private readonly List<string> _folders = [];

    private PostgresCluster(EmulatorHost emulator, PostgresTestDatabase database)
    {
        Emulator = emulator;
        Database = database;
    }

    public EmulatorHost Emulator { get; }

    public PostgresTestDatabase Database { get; }

    public string MasterKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string AdminKey { get; } = "eta_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>The read-token client key (etk_...) for <see cref="TokenName"/>.</summary>
    public string ReadKey { get; private set; } = "";

    public List<Instance> Instances { get; } = [];

    /// <summary>Starts the emulator, creates the schema and seeds <see cref="TokenName"/> with a token minted for
    /// <paramref name="lifetime"/>; no server yet.</summary>
    public static async Task<PostgresCluster> CreateAsync(TokenLifetime lifetime, CancellationToken ct)
    {
        var database = await PostgresTestDatabase.CreateAsync(ct);
        var emulator = await EmulatorHost.StartAsync(ct: ct);
        var cluster = new PostgresCluster(emulator, database);
        await cluster.SeedAsync(lifetime, ct);
        return cluster;
    }

    /// <summary>A store on the cluster's database with its master key, for the test's own reads.</summary>
    public PostgresTokenStore OpenStore() => new(Database.ConnectionString, new SecretProtector(Convert.FromBase64String(MasterKey)), Emulator.Clock);

    /// <summary>The configuration every instance shares (plus its own data folder).</summary>
    public Dictionary<string, string?> Config(string dataFolder) => new()
    {
        ["DataFolder"] = dataFolder,
        ["MasterKey:Key"] = MasterKey,
        ["Store"] = "Postgres",
        ["PostgresConnectionString"] = Database.ConnectionString,
        ["Graph:BaseUrl"] = Emulator.BaseUrl.ToString(),
        ["Server:AdminApiKey"] = AdminKey,
        // Only the callers drive renewals here, so each Graph call is one the test caused.
        ["Server:RunRefreshWorker"] = "false",
    };

    /// <summary>Starts one in-process server (Kestrel on a loopback port, the emulator's clock).</summary>
    public async Task<Instance> StartInProcessAsync(CancellationToken ct, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var folder = NewFolder();
        var config = Config(folder);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = ServerApp.Build(new ServerSettings
        {
            Urls = "http://127.0.0.1:0",
            Config = config,
            Time = Emulator.Clock,
            Announce = TextWriter.Null,
            LogLevel = LogLevel.Warning,
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var instance = new Instance(app, new Uri(address), folder, ReadKey, AdminKey);
        Instances.Add(instance);
        return instance;
    }

    public string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "evertoken-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        return folder;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        await Database.DisposeAsync();
        foreach (var folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task SeedAsync(TokenLifetime lifetime, CancellationToken ct)
    {
        var sample = Emulator.Sample;
        var minted = Emulator.State.MintToken(new TokenSpec
        {
            AppId = sample.AppId,
            Kind = EmulatorTokenKind.SystemUser,
            Lifetime = lifetime,
            UserId = sample.SystemUserId,
            Scopes = ["whatsapp_business_management", "whatsapp_business_messaging"],
        });
        await using var store = OpenStore();
        await store.UpsertAppAsync(new StoredApp(sample.AppId, sample.AppSecret, sample.AppName), ct);
        await store.AddTokenAsync(new NewManagedToken
        {
            Name = TokenName,
            AppId = sample.AppId,
            PhoneNumberId = sample.PhoneNumberId,
            WabaId = sample.WabaId,
            Version = new TokenVersionData
            {
                Value = minted.AccessToken,
                Kind = TokenKind.SystemUser,
                IssuedAt = minted.Record.IssuedAt,
                ExpiresAt = minted.Record.ExpiresAt,
                Source = "added",
            },
        }, ct);
        await store.UpdateHealthAsync(TokenName, new TokenHealth { Status = TokenStatus.Healthy, LastCheckedAt = Emulator.Clock.GetUtcNow() }, ct);

        var keys = new PostgresClientKeyStore(Database.DataSource);
        await keys.InitializeAsync(ct);
        var (id, key, hash) = ClientKeySecret.Create();
        await keys.AddAsync(new ClientKey { Id = id, Name = "reader", Scopes = ["read-token"], Tokens = [TokenName], SecretHash = hash, CreatedAt = Emulator.Clock.GetUtcNow() }, ct);
        ReadKey = key;
    }

    /// <summary>One running server.</summary>
    public sealed class Instance(WebApplication app, Uri baseUrl, string dataFolder, string readKey, string adminKey) : IAsyncDisposable
    {
        public Uri BaseUrl { get; } = baseUrl;

        /// <summary>The instance's own data folder.</summary>
        public string DataFolder { get; } = dataFolder;

        public ITokenKeeper Keeper => app.Services.GetRequiredService<ITokenKeeper>();

        public HttpClient Reader { get; } = Client(baseUrl, readKey);

        public HttpClient Admin { get; } = Client(baseUrl, adminKey);

        public async ValueTask DisposeAsync()
        {
            Reader.Dispose();
            Admin.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }

        private static HttpClient Client(Uri baseUrl, string key)
        {
            var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return http;
        }
    }
}
