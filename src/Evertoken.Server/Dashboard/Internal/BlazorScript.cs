using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.Extensions.FileProviders;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>
/// Serves Blazor's own script (<c>_framework/blazor.web.js</c>: enhanced navigation and enhanced forms), which .NET 10
/// ships as a static web asset rather than inside the framework. The endpoints manifest sits beside the executable; the
/// file comes from the NuGet cache in a build (the runtime manifest) or from <c>wwwroot</c> beside the executable once
/// published or packed as a tool. Looked up by the executable's folder, not the content root, because
/// <c>evertoken serve</c> starts from any folder. Without them the pages still work: forms post and reload.
/// </summary>
internal static class BlazorScript
{
    private const string Manifest = "Evertoken.Server.staticwebassets";

    /// <summary>The script's URL.</summary>
    public const string Url = "/_framework/blazor.web.js";

    /// <summary>True when the script is served (the pages then include it).</summary>
    public static bool Available { get; private set; }

    public static void MapBlazorScript(this WebApplication app)
    {
        var folder = AppContext.BaseDirectory;
        var endpoints = Path.Combine(folder, $"{Manifest}.endpoints.json");
        var runtime = Path.Combine(folder, $"{Manifest}.runtime.json");
        var published = Path.Combine(folder, "wwwroot");
        if (!File.Exists(endpoints))
        {
            return;
        }

        if (File.Exists(runtime))
        {
            var manifest = new ConfigurationBuilder()
                .AddInMemoryCollection([new(WebHostDefaults.StaticWebAssetsKey, runtime)])
                .Build();
            StaticWebAssetsLoader.UseStaticWebAssets(app.Environment, manifest);
        }
        else if (Directory.Exists(published))
        {
            app.Environment.WebRootFileProvider = new CompositeFileProvider(new PhysicalFileProvider(published), app.Environment.WebRootFileProvider);
        }
        else
        {
            return;
        }

        app.MapStaticAssets(endpoints);
        Available = true;
    }
}
