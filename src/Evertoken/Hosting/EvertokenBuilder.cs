using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Evertoken.Hosting;

/// <summary>Returned by <c>AddEvertoken</c> for chained setup.</summary>
public sealed class EvertokenBuilder(IServiceCollection services)
{
    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Runs the <see cref="RefreshWorker"/> as a hosted service: tokens are renewed and checked on schedule.</summary>
    public EvertokenBuilder AddRefreshWorker()
    {
        Services.TryAddSingleton<RefreshWorker>();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RefreshWorker>(sp => sp.GetRequiredService<RefreshWorker>()));
        return this;
    }

    /// <summary>Adds an observer of token events (rotations, failures, checks).</summary>
    public EvertokenBuilder AddObserver<TObserver>()
        where TObserver : class, ITokenObserver
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITokenObserver, TObserver>());
        return this;
    }
}
