using System.Security.Cryptography;
using Evertoken.Graph;
using Evertoken.Hosting;
using Evertoken.Storage;
using Evertoken.Tests.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Evertoken.Tests.Library;

/// <summary><c>AddEvertoken</c> and friends as a host's container sees them.</summary>
public sealed class ServiceRegistrationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_store_the_host_registered_first_is_kept()
    {
        var services = new ServiceCollection().AddLogging();
        var mine = new InMemoryTokenStore();
        services.AddSingleton<ITokenStore>(mine);

        services.AddEvertoken(Configure);

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ITokenStore>().ShouldBeSameAs(mine);
    }

    [Fact]
    public void A_GraphClient_the_host_registered_first_is_kept()
    {
        var services = new ServiceCollection();
        services.AddHttpClient<GraphClient>(http => http.Timeout = TimeSpan.FromSeconds(3));

        services.AddEvertoken(Configure);

        services.Count(d => d.ServiceType == typeof(GraphClient)).ShouldBe(1);
    }

    [Fact]
    public void Adding_Evertoken_twice_registers_each_part_once()
    {
        var services = new ServiceCollection();

        services.AddEvertoken(Configure).AddRefreshWorker();
        services.AddEvertoken(Configure).AddRefreshWorker();

        services.Count(d => d.ServiceType == typeof(GraphClient)).ShouldBe(1);
        services.Count(d => d.ServiceType == typeof(ITokenStore)).ShouldBe(1);
        services.AddLogging();
        using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        hosted.ShouldBeUnique();
        hosted.ShouldContain("EvertokenInitializer");
        hosted.ShouldContain(nameof(RefreshWorker));
    }

    [Fact]
    public void The_refresh_worker_runs_only_when_asked_for()
    {
        var without = new ServiceCollection().AddLogging();
        without.AddEvertoken(Configure);
        using (var provider = without.BuildServiceProvider())
        {
            provider.GetServices<IHostedService>().ShouldNotContain(s => s is RefreshWorker);
        }

        var with = new ServiceCollection().AddLogging();
        with.AddEvertoken(Configure).AddRefreshWorker();
        using (var provider = with.BuildServiceProvider())
        {
            provider.GetServices<IHostedService>().OfType<RefreshWorker>().ShouldHaveSingleItem().ShouldBeSameAs(provider.GetRequiredService<RefreshWorker>());
        }
    }

    [Fact]
    public void Options_bind_from_configuration_with_the_same_keys_as_the_server()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store"] = "InMemory",
            ["Graph:BaseUrl"] = "http://127.0.0.1:5080/",
            ["Graph:Version"] = "v24.0",
            ["Tokens:0:Name"] = "main",
            ["Tokens:0:Token"] = "EAAconfigured",
            ["Tokens:0:PhoneNumberId"] = "1055",
            ["Refresh:RenewWhenLeft"] = "10.00:00:00",
        }).Build();
        var services = new ServiceCollection().AddLogging();

        services.AddEvertoken(configuration, o => o.Graph.Timeout = TimeSpan.FromSeconds(5));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<EvertokenOptions>>().Value;
        options.Store.ShouldBe(StoreKind.InMemory);
        options.Tokens.ShouldHaveSingleItem().PhoneNumberId.ShouldBe("1055");
        options.Refresh.RenewWhenLeft.ShouldBe(TimeSpan.FromDays(10));
        var graph = provider.GetRequiredService<IOptions<GraphOptions>>().Value;
        graph.BaseUrl.ShouldBe(new Uri("http://127.0.0.1:5080/"));
        graph.Version.ShouldBe("v24.0");
        graph.Timeout.ShouldBe(TimeSpan.FromSeconds(5));
        provider.GetRequiredService<ITokenStore>().ShouldBeOfType<InMemoryTokenStore>();
    }

    [Fact]
    public void A_bad_configuration_fails_on_first_use_too_with_every_problem()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddEvertoken(o =>
        {
            Configure(o);
            o.Graph.Version = "25";
            o.Tokens.Add(new TokenDefinition { Name = "main", AppSecret = "s" });
        });

        using var provider = services.BuildServiceProvider();
        var failure = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<ITokenKeeper>());

        failure.Failures.ShouldBe(
        [
            "Graph.Version must look like v25.0 (was '25').",
            "Token 'main': set Token or ImportFromDotEnv.",
            "Token 'main': AppSecret is set but AppId is not (the secret belongs to an app).",
        ]);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080/", "v25.0", "http://127.0.0.1:5080/v25.0/")]
    [InlineData("https://proxy.example/graph", "v24.0", "https://proxy.example/graph/v24.0/")]
    public void ConfigureGraphBaseAddress_points_the_client_at_the_versioned_Graph_root(string baseUrl, string version, string expected)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddEvertoken(o =>
        {
            Configure(o);
            o.Graph.BaseUrl = new Uri(baseUrl);
            o.Graph.Version = version;
        });
        services.AddHttpClient("graph").ConfigureGraphBaseAddress().AddEvertokenHandler("main");

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IHttpClientFactory>().CreateClient("graph").BaseAddress.ShouldBe(new Uri(expected));
    }

    [Fact]
    public void A_token_handler_without_AddEvertoken_says_what_is_missing()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHttpClient("graph").AddEvertokenHandler("main");

        using var provider = services.BuildServiceProvider();
        var failure = Should.Throw<InvalidOperationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient("graph"));

        failure.Message.ShouldContain("services.AddEvertoken(...)");
        failure.Message.ShouldContain("'graph'");
    }

    [Fact]
    public void Without_a_configured_key_the_master_key_file_is_created_in_the_data_folder()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddEvertoken(o =>
        {
            o.DataFolder = _temp.Path;
            o.MasterKey = new MasterKeyOptions();
        });

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<SecretProtector>().ShouldNotBeNull();

        File.Exists(Path.Combine(_temp.Path, EvertokenPaths.MasterKeyFileName)).ShouldBeTrue();
    }

    private void Configure(EvertokenOptions o)
    {
        o.DataFolder = _temp.Path;
        o.MasterKey = new MasterKeyOptions { Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
    }
}
