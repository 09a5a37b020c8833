using System.Net.Mime;
using System.Security.Cryptography;
using Evertoken.Emulator;
using Evertoken.Hosting;
using Evertoken.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Evertoken.IntegrationTests.Library;

/// <summary>
/// An app of a .NET developer, for real: a <see cref="WebApplication"/> on a loopback port using the library
/// (<c>AddEvertoken</c> on a SQLite file in a temp folder, a named HttpClient with <c>AddEvertokenHandler</c>) against
/// the emulator. <c>GET /phone/{id}</c> calls Graph <c>GET /{id}</c> through that client and passes the answer through.
/// </summary>
internal sealed class LibraryApp : IAsyncDisposable
{
    public const string ClientName = "graph";

    private readonly TempFolder? _ownedData;

    private LibraryApp(WebApplication app, HttpClient http, string tokenName, TempFolder? ownedData)
    {
        App = app;
        Http = http;
        TokenName = tokenName;
        _ownedData = ownedData;
    }

    public WebApplication App { get; }

    /// <summary>A plain client pointed at the app.</summary>
    public HttpClient Http { get; }

    public string TokenName { get; }

    public IServiceProvider Services => App.Services;

    public ITokenKeeper Keeper => Services.GetRequiredService<ITokenKeeper>();

    /// <summary>The app's own token-carrying client (base address: the emulator's versioned Graph root).</summary>
    public HttpClient GraphClient => Services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

    /// <summary>Options for <see cref="StartAsync"/>.</summary>
    public sealed record Setup
    {
        public string TokenName { get; init; } = "main";

        /// <summary>The token value; default the sample's 60-day system-user token.</summary>
        public string? Token { get; init; }

        /// <summary>A temp data folder shared by several apps (another instance); default a new one per app.</summary>
        public TempFolder? Data { get; init; }

        public string MasterKey { get; init; } = NewMasterKey();

        public TimeProvider? Time { get; init; }

        public Action<EvertokenOptions>? Configure { get; init; }

        public Action<IServiceCollection>? Services { get; init; }

        /// <summary>Maps more endpoints (e.g. the webhook receiver) before the app starts.</summary>
        public Action<WebApplication>? Map { get; init; }
    }

    public static string NewMasterKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static async Task<LibraryApp> StartAsync(EmulatorHost emu, Setup? setup = null)
    {
        setup ??= new Setup();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LibraryApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (setup.Time is { } time)
        {
            builder.Services.AddSingleton(time);
        }

        var ownedData = setup.Data is null ? new TempFolder() : null;
        var data = (setup.Data ?? ownedData)!.Path;
        builder.Services.AddEvertoken(o =>
        {
            o.DataFolder = data;
            o.MasterKey.Key = setup.MasterKey;
            o.Graph.BaseUrl = emu.BaseUrl;
            o.Tokens.Add(new TokenDefinition
            {
                Name = setup.TokenName,
                Token = setup.Token ?? emu.Sample.SystemUserToken60Days,
                AppId = emu.Sample.AppId,
                AppSecret = emu.Sample.AppSecret,
                PhoneNumberId = emu.Sample.PhoneNumberId,
            });
            setup.Configure?.Invoke(o);
        });
        builder.Services.AddHttpClient(ClientName).ConfigureGraphBaseAddress().AddEvertokenHandler(setup.TokenName);
        setup.Services?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapGet("/phone/{id}", async (string id, IHttpClientFactory factory, CancellationToken ct) =>
        {
            using var response = await factory.CreateClient(ClientName).GetAsync(id, ct);
            return Results.Content(await response.Content.ReadAsStringAsync(ct), MediaTypeNames.Application.Json, statusCode: (int)response.StatusCode);
        });
        setup.Map?.Invoke(app);

        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            ownedData?.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(120) };
        return new LibraryApp(app, http, setup.TokenName, ownedData);
    }

    /// <summary>Graph <c>GET /{id}</c> through the app's endpoint.</summary>
    public Task<HttpResponseMessage> GetPhoneAsync(string id) => Http.GetAsync($"phone/{id}", TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        _ownedData?.Dispose();
    }
}

/// <summary>A folder under the temp path, deleted with its files on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "evertoken-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a host being torn down; the temp folder is cleaned by the OS eventually.
        }
    }
}
