using System.Net.Http.Headers;
using System.Text.Json;
using Evertoken.Graph;
using Evertoken.Tokens;
using Evertoken.WhatsApp;
using Microsoft.Extensions.Options;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>
/// Sends the dashboard's test message with a managed token: the library's <see cref="CloudApiClient"/> over an
/// <see cref="HttpClient"/> carrying the keeper's current token.
/// </summary>
// REVIEW: when POST /v1/messages lands (Api/MessagesApi.cs), switch this to its sending path so the dashboard, the API
// and the 190-retry behave the same; this class is the only place the dashboard sends from.
internal sealed class TestMessageSender(ITokenKeeper keeper, IHttpClientFactory httpClients, IOptions<GraphOptions> graph)
{
    /// <summary>The named <see cref="HttpClient"/> used for sends.</summary>
    public const string HttpClientName = "Evertoken.Dashboard.Send";

    /// <summary>
    /// Sends <paramref name="message"/> from <paramref name="phoneNumberId"/> with the current value of <paramref name="tokenName"/>
    /// and returns Meta's answer as JSON, or its error.
    /// </summary>
    /// <exception cref="MessageValidationException">The message breaks a documented rule.</exception>
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    public async Task<GraphResult<JsonElement>> SendAsync(string tokenName, string phoneNumberId, WhatsAppMessage message, CancellationToken ct)
    {
        MessageValidator.ThrowIfInvalid(message);
        var token = await keeper.GetAsync(tokenName, ct);
        var http = httpClients.CreateClient(HttpClientName);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        var client = new CloudApiClient(http, graph);
        var body = JsonSerializer.SerializeToElement(message, WhatsAppJsonContext.Default.WhatsAppMessage);
        return await client.SendRawAsync(phoneNumberId, body, ct);
    }
}
