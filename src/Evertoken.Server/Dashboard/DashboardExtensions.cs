using Evertoken.Hosting;
using Evertoken.Server.Auth;
using Evertoken.Server.Dashboard.Components;
using Evertoken.Server.Dashboard.Internal;
using Evertoken.Storage;
using Evertoken.Storage.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Evertoken.Server.Dashboard;

/// <summary>
/// The web dashboard: Razor components rendered on the server (static SSR, no WebAssembly, no circuit), one CSS file,
/// one small script, behind the admin login. Token values never reach a page: cards show fingerprints only.
/// </summary>
public static class DashboardExtensions
{
    /// <summary>The policy of every dashboard page: the admin, signed in with the dashboard cookie.</summary>
    public const string Policy = "dashboard";

    /// <summary>The folder, inside the data folder, of the cookies' Data Protection keys (SQLite store; with PostgreSQL they
    /// are in the table <c>dataprotection_keys</c>).</summary>
    public const string KeyRingFolder = "dataprotection-keys";

    /// <summary>Adds Razor components, antiforgery, Data Protection keys (in the data folder, or in PostgreSQL when it is
    /// the store), the login throttle and the test message sender. The webhook pages read the inbox and relay the WhatsApp services register
    /// (<c>AddWhatsAppServer</c>).</summary>
    public static IServiceCollection AddEvertokenDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRazorComponents();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "evertoken.antiforgery";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        // The session and antiforgery cookies are protected with these keys. Kept in the data folder (not ~/.aspnet) so a
        // restart or a container rebuild keeps people signed in; with a shared PostgreSQL store, in the database, so a
        // sign-in on one instance holds on all of them. Each key is sealed with the master key, like the tokens
        // (MasterKeyXmlEncryptor).
        services.AddHostedService<SharedKeyRingStartup>();
        services.AddDataProtection().SetApplicationName("Evertoken");
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            var evertoken = sp.GetRequiredService<IOptions<EvertokenOptions>>().Value;
            o.XmlRepository = evertoken.Store == StoreKind.Postgres
                ? new PostgresXmlRepository(sp.GetRequiredService<PostgresDatabase>().DataSource, sp.GetRequiredService<TimeProvider>())
                : new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(evertoken.ResolvedDataFolder, KeyRingFolder)), sp.GetRequiredService<ILoggerFactory>());
            o.XmlEncryptor = new MasterKeyXmlEncryptor(sp.GetRequiredService<SecretProtector>());
        });

        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(EvertokenAuth.CookieScheme)
            .RequireRole(EvertokenAuth.AdminRole));

        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<TestMessageSender>();
        services.AddHttpClient(TestMessageSender.HttpClientName);
        return services;
    }

    /// <summary>Maps the pages (<c>/</c>, <c>/login</c>, <c>/doctor/{name}</c>, <c>/send</c>, <c>/webhooks</c>, <c>/keys</c>,
    /// <c>/alerts</c>, <c>/audit</c>), <c>POST /logout</c>, the event stream and the static files.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAntiforgery();
        app.MapDashboardAssets();
        app.MapBlazorScript();
        app.MapDashboardSession();
        app.MapDashboardEventStream();
        app.MapRazorComponents<App>();
        return app;
    }
}
