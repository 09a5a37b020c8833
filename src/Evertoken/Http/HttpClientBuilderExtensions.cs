using Evertoken.Graph;
using Evertoken.Hosting.Internal;
using Evertoken.Http;
using Evertoken.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts a managed token on any <see cref="HttpClient"/>.</summary>
public static class HttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="TokenHandler"/> for the managed token <paramref name="tokenName"/>: every request carries the
    /// current token and its <c>appsecret_proof</c>; a 190 answer causes one renewal (shared by all concurrent callers)
    /// and one retry. Needs <c>services.AddEvertoken(...)</c>; at start the host logs a warning when no token of that
    /// name is stored.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="tokenName"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">When the client is created without <c>AddEvertoken</c>.</exception>
    public static IHttpClientBuilder AddEvertokenHandler(this IHttpClientBuilder builder, string tokenName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenName);
        builder.Services.AddSingleton(new HandlerTokenName(tokenName, builder.Name));
        return builder.AddHttpMessageHandler(sp => new TokenHandler(
            sp.GetService<ITokenKeeper>() ?? throw new InvalidOperationException(
                $"The HttpClient '{builder.Name}' has an Evertoken handler but Evertoken is not registered: call services.AddEvertoken(...)."),
            tokenName,
            sp.GetService<IOptions<GraphOptions>>()?.Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<TokenHandler>>()));
    }

    /// <summary>
    /// Sets the client's base address to the Graph API of <c>AddEvertoken</c>'s options, version included
    /// (<c>{Graph.BaseUrl}/{Graph.Version}/</c>, e.g. <c>https://graph.facebook.com/v25.0/</c>), so requests use relative
    /// paths such as <c>{phone-number-id}</c> and follow the emulator when <c>Graph:BaseUrl</c> points at it.
    /// </summary>
    public static IHttpClientBuilder ConfigureGraphBaseAddress(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureHttpClient((sp, http) => http.BaseAddress = GraphBaseAddress(sp.GetRequiredService<IOptions<GraphOptions>>().Value));
    }

    /// <summary>The versioned Graph address of <paramref name="options"/>, ending with a slash.</summary>
    internal static Uri GraphBaseAddress(GraphOptions options)
    {
        var root = options.BaseUrl.AbsoluteUri.EndsWith('/') ? options.BaseUrl : new Uri(options.BaseUrl.AbsoluteUri + "/");
        return new Uri(root, options.Version.Trim('/') + "/");
    }
}
