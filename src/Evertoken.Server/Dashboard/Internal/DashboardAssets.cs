using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>
/// Serves the dashboard's one stylesheet and one script from resources embedded in the executable, so a packed
/// <c>evertoken</c> tool needs no wwwroot folder beside it (the content root is wherever it is started from).
/// </summary>
internal static class DashboardAssets
{
    /// <summary>The stylesheet's URL, with a version from its hash so browsers may cache it for good.</summary>
    public static string CssUrl => $"/dashboard/dashboard.css?v={Css.Version}";

    /// <summary>The script's URL.</summary>
    public static string ScriptUrl => $"/dashboard/dashboard.js?v={Script.Version}";

    private static Asset Css { get; } = Asset.Load("dashboard.css", "text/css; charset=utf-8");

    private static Asset Script { get; } = Asset.Load("dashboard.js", "text/javascript; charset=utf-8");

    public static IEndpointRouteBuilder MapDashboardAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard/dashboard.css", (HttpContext c) => Css.Serve(c)).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/dashboard/dashboard.js", (HttpContext c) => Script.Serve(c)).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private sealed record Asset(byte[] Bytes, string ContentType, string Version)
    {
        public static Asset Load(string name, string contentType)
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Evertoken.Dashboard.{name}")
                ?? throw new InvalidOperationException($"The dashboard resource {name} is missing from the build.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            return new Asset(bytes, contentType, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
        }

        public IResult Serve(HttpContext context)
        {
            var etag = new EntityTagHeaderValue($"\"{Version}\"");
            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.Bytes(Bytes, ContentType, entityTag: etag);
        }
    }
}
