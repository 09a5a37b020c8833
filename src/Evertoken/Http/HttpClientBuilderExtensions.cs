using Evertoken.Http;
using Evertoken.Tokens;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts a managed token on any <see cref="HttpClient"/>.</summary>
public static class HttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="TokenHandler"/> for the managed token <paramref name="tokenName"/>: every request carries the
    /// current token and its appsecret_proof; a 190 answer causes one renewal (shared by all concurrent callers) and one retry.
    /// Needs <c>services.AddEvertoken(...)</c>.
    /// </summary>
    public static IHttpClientBuilder AddEvertokenHandler(this IHttpClientBuilder builder, string tokenName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(tokenName);
        return builder.AddHttpMessageHandler(sp => new TokenHandler(sp.GetRequiredService<ITokenKeeper>(), tokenName));
    }
}
