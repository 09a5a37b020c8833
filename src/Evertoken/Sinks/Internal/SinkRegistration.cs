using Evertoken.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Evertoken.Sinks.Internal;

/// <summary>
/// Registers the sinks and alerts services; meant to be called from the library's one public entry point
/// (<c>AddEvertoken</c>). Everything is <c>TryAdd</c>, so a host can replace any piece.
/// </summary>
internal static class SinkRegistration
{
    public static IServiceCollection AddSinksAndAlerts(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddOptions();

        // Our own retries (SinkDispatcher, the Netlify 429 loop) decide when to try again, so these clients get no
        // resilience handler of their own: retries would multiply.
        services.AddHttpClient(SinkFactory.NetlifyHttpClientName);
        services.AddHttpClient(SinkFactory.WebhookHttpClientName);

        services.TryAddSingleton<SinkFactory>();
        services.TryAddSingleton<SinkDispatcher>();
        services.TryAddSingleton<AlertManager>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, LogAlertChannel>());
        return services;
    }
}
