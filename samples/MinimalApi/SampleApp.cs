using System.Net.Mime;
using Evertoken.WhatsApp;

namespace Evertoken.Samples.MinimalApi;

/// <summary>
/// An ASP.NET Core minimal API that calls the Graph API with a token Evertoken keeps alive. Configuration (appsettings,
/// environment variables such as <c>Graph__BaseUrl</c> and <c>Tokens__0__Token</c>, or the command line) is bound to
/// Evertoken's options at the root, the same keys <c>evertoken serve</c> reads.
/// </summary>
public static class SampleApp
{
    /// <summary>The managed token the app calls Graph with (<c>Tokens:0:Name</c> in appsettings.json).</summary>
    public const string TokenName = "main";

    /// <summary>The named HttpClient that carries the token.</summary>
    public const string GraphClientName = "graph";

    /// <summary>Builds the app: Evertoken, a Graph HttpClient with the token handler, and the endpoints.</summary>
    public static WebApplication CreateApp(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Store, Graph:BaseUrl, Tokens:N:*... are validated at start: a bad setting stops the app with every problem listed.
        builder.Services.AddEvertoken(builder.Configuration);

        // Any HttpClient can carry the token: the handler adds it (and appsecret_proof), and on a 190 renews once and retries.
        builder.Services.AddHttpClient(GraphClientName)
            .ConfigureGraphBaseAddress()
            .AddEvertokenHandler(TokenName);

        // Meta's webhook callback: signatures checked against the token's app secret, payloads stored before the 200,
        // then each event handed once to the handler (at least once across restarts).
        builder.Services.AddEvertokenWebhooks(o => builder.Configuration.GetSection("Webhooks").Bind(o));
        builder.Services.AddEvertokenWebhookHandler<IncomingEventLogger>();

        var app = builder.Build();
        app.MapGet("/", () => "Try GET /phone-numbers/{phone-number-id}");
        app.MapGet("/phone-numbers/{id}", GetPhoneNumberAsync);
        app.MapEvertokenWebhooks("/webhooks/whatsapp");
        return app;
    }

    /// <summary>Graph <c>GET /{phone-number-id}</c> through the token-carrying client; Meta's answer is passed through.</summary>
    private static async Task<IResult> GetPhoneNumberAsync(string id, IHttpClientFactory httpClientFactory, CancellationToken cancellationToken)
    {
        if (id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            return TypedResults.Problem("A phone number id is Meta's numeric id.", statusCode: StatusCodes.Status400BadRequest);
        }

        var http = httpClientFactory.CreateClient(GraphClientName);
        using var response = await http.GetAsync($"{id}?fields=id,display_phone_number,verified_name,quality_rating", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return TypedResults.Content(body, MediaTypeNames.Application.Json, statusCode: (int)response.StatusCode);
    }
}
