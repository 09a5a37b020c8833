using Evertoken.Hosting;
using Evertoken.Server.Api;
using Evertoken.Server.Auth;
using Evertoken.Server.Dashboard;
using Evertoken.Server.Hosting;
using Evertoken.Server.Proxy;
using Evertoken.Storage;
using Evertoken.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Evertoken.Server.Extensions;

/// <summary>Wires the <c>evertoken serve</c> host: the library, authentication, the API, operations and workers.</summary>
public static class ServerServiceExtensions
{
    /// <summary>The meters ASP.NET Core itself records into (docs: "ASP.NET Core built-in metrics").</summary>
    private static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
    ];

    /// <summary>Adds every service of the server.</summary>
    public static IServiceCollection AddEvertokenServer(this IServiceCollection services, IConfiguration configuration, ServerSettings settings)
    {
        if (settings.Time is { } time)
        {
            services.AddSingleton(time);
        }

        var builder = services.AddEvertoken(o => configuration.Bind(o));
        services.AddOptions<ServerOptions>().Bind(configuration.GetSection("Server"));
        if (configuration.GetValue("Server:RunRefreshWorker", true))
        {
            builder.AddRefreshWorker();
        }

        builder.AddWhatsAppServer(configuration, settings);

        services.TryAddSingleton<IClientKeyStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<EvertokenOptions>>().Value;
            return new SqliteClientKeyStore(o.DatabasePath ?? Path.Combine(o.ResolvedDataFolder, EvertokenPaths.DatabaseFileName));
        });
        services.AddHostedService<ClientKeyStoreInitializer>();
        services.TryAddSingleton<ClientKeyCache>();
        services.TryAddSingleton<BearerKeyCheck>();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<EvertokenOptions>>().Value;
            var s = sp.GetRequiredService<IOptions<ServerOptions>>().Value;
            return AdminCredentials.Load(o.ResolvedDataFolder, s.AdminApiKey, s.AdminPassword);
        });
        services.AddHostedService(sp => new FirstRunAnnouncer(sp.GetRequiredService<AdminCredentials>(), settings.Announce ?? Console.Out));
        services.AddHostedService<TokenExpiryGauge>();
        services.TryAddSingleton<AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());

        services.AddAuthentication(EvertokenAuth.KeyScheme)
            .AddScheme<AuthenticationSchemeOptions, KeyAuthenticationHandler>(EvertokenAuth.KeyScheme, null)
            .AddCookie(EvertokenAuth.CookieScheme, o =>
            {
                o.Cookie.Name = "evertoken.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                // API calls get 401/403, not a redirect to the login page.
                o.Events.OnRedirectToLogin = c => Redirect(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => Redirect(c, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(EvertokenAuth.AdminPolicy, p => p.AddAuthenticationSchemes(EvertokenAuth.KeyScheme, EvertokenAuth.CookieScheme).RequireRole(EvertokenAuth.AdminRole))
            .AddPolicy(EvertokenAuth.ProxyPolicy, p => p.AddAuthenticationSchemes(EvertokenAuth.KeyScheme).RequireClaim(EvertokenAuth.ScopeClaim, "proxy"))
            .AddPolicy(EvertokenAuth.SendPolicy, p => p.AddAuthenticationSchemes(EvertokenAuth.KeyScheme).RequireAssertion(c => c.User.IsInRole(EvertokenAuth.AdminRole) || c.User.HasClaim(EvertokenAuth.ScopeClaim, "send")))
            .AddPolicy(EvertokenAuth.ReadTokenPolicy, p => p.AddAuthenticationSchemes(EvertokenAuth.KeyScheme).RequireClaim(EvertokenAuth.ScopeClaim, "read-token"));

        services.AddGraphProxy(configuration);
        // The forwarder logs each upstream URL (with our appsecret_proof) at Information, and request-start logs carry
        // the query an app may still put its old access_token in. Hosting diagnostics are off altogether: while that
        // category is enabled at any level, ASP.NET Core starts an Activity and a log scope for every request (a
        // startup failure still surfaces as the exception StartAsync throws).
        services.AddLogging(b => b.AddFilter("Yarp", LogLevel.Warning).AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None));
        services.AddProblemDetails();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(EvertokenTelemetry.Name)
            // ASP.NET Core's own meters (.NET 8+ records them natively). Not AddAspNetCoreInstrumentation: it also wraps
            // every request in a middleware of its own (an extra async frame per call, about 3% of a proxied call's CPU
            // in perf) to tag error.type, which ASP.NET Core's hosting and exception handler set themselves.
            .AddMeter(AspNetCoreMeters)
            // Two measurements on every request (one in, one out), proxied calls included, for a gauge that a scrape
            // every few seconds rarely catches above zero; evertoken.proxy.* and the request histogram say more.
            .AddView("http.server.active_requests", MetricStreamConfiguration.Drop)
            // Kestrel's memory pool (ASP.NET Core 10) counts every buffer it rents and returns, several per request:
            // a tagged measurement each, about 2.5% of a token read's CPU, for figures only a Kestrel developer reads.
            .AddView("aspnetcore.memory_pool.*", MetricStreamConfiguration.Drop)
            .AddPrometheusExporter());
        services.AddEvertokenDashboard();
        settings.ConfigureServices?.Invoke(services);
        return services;
    }

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (context.Request.Path.StartsWithSegments("/v1") || context.Request.Path.StartsWithSegments("/graph"))
        {
            context.Response.StatusCode = apiStatus;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    private sealed class ClientKeyStoreInitializer(IClientKeyStore store, ITokenStore tokens) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            // The token store creates the database file (owner-only) first.
            await tokens.InitializeAsync(cancellationToken);
            await store.InitializeAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
