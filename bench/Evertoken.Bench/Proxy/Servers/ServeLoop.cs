using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.Bench.Proxy.Servers;

/// <summary>
/// The life of a child server: start, tell the parent where it listens (<c>LISTENING url</c> on stdout), and stop
/// when the parent closes our stdin (or dies, which closes it too), so no server outlives the bench.
/// </summary>
internal static class ServeLoop
{
    public static async Task<int> RunAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        await Console.Out.WriteLineAsync("LISTENING " + address.TrimEnd('/') + "/");
        await Console.Out.FlushAsync();
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    /// <summary>A slim Kestrel app on a free loopback port with no logging.</summary>
    public static WebApplicationBuilder SlimBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }
}
