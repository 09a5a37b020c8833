using Evertoken.Server.Extensions;

namespace Evertoken.Server.Hosting;

/// <summary>Builds the <c>evertoken serve</c> web application: configuration from appsettings.json, <c>EVERTOKEN__</c>
/// environment variables, command-line arguments and the settings' overrides, in that order.</summary>
public static class ServerApp
{
    /// <summary>Builds the application (not started).</summary>
    public static WebApplication Build(ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = settings.Args });
        builder.Configuration.AddEnvironmentVariables("EVERTOKEN__");
        builder.Configuration.AddCommandLine(settings.Args);
        builder.Configuration.AddInMemoryCollection(settings.Config);
        builder.WebHost.UseUrls(settings.Urls);
        builder.Logging.SetMinimumLevel(settings.LogLevel);
        // HttpClient logs full request URIs at Information/Trace; Graph's oauth calls carry secrets in the query.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        if (settings.LoggerProvider is { } provider)
        {
            builder.Logging.AddProvider(provider);
        }

        builder.Services.AddEvertokenServer(builder.Configuration, settings);
        var app = builder.Build();
        app.MapEvertokenServer();
        return app;
    }
}
