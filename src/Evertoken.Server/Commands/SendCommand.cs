using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Evertoken.Graph;
using Evertoken.Server.Cli;
using Evertoken.Tokens;
using Evertoken.WhatsApp;
using Microsoft.Extensions.Options;

namespace Evertoken.Server.Commands;

/// <summary>
/// <c>evertoken send --to N --text ... | --template NAME --language en_US --param ...</c>: sends a WhatsApp message,
/// through a running server (<c>--server URL</c>, key from <c>EVERTOKEN_CLIENT_KEY</c>) or directly with a managed
/// token of the local store (<c>--token NAME</c> without <c>--server</c>). Exit codes: 0 sent, 1 bad input or
/// unreachable, 2 the token is refused by Meta, <see cref="SendRefused"/> Meta or the server refused the message.
/// </summary>
internal static class SendCommand
{
    /// <summary>Exit code: the message was refused (outside the 24 h window, throttled, bad template...).</summary>
    public const int SendRefused = 4;

    public static Command Create(CliHost host)
    {
        var to = new Option<string>("--to") { Description = "The recipient's phone number (digits, optional +)", Required = true };
        var text = new Option<string?>("--text") { Description = "Send a text message with this body" };
        var template = new Option<string?>("--template") { Description = "Send this approved template" };
        var language = new Option<string>("--language") { Description = "The template's language code", DefaultValueFactory = _ => "en_US" };
        var parameters = new Option<string[]>("--param") { Description = "A template body variable, in order (repeat for each)", AllowMultipleArgumentsPerToken = false };
        var server = new Option<string?>("--server") { Description = "Send through this running evertoken server [env: EVERTOKEN_SERVER; key from EVERTOKEN_CLIENT_KEY]" };
        var token = new Option<string?>("--token") { Description = "The managed token to send with (without --server: from the local store)" };
        var phone = CredentialOptions.PhoneNumberId();
        var command = new Command("send", "Send a WhatsApp message with a managed token (through a server, or directly)")
        {
            to, text, template, language, parameters, server, token, phone,
        };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var textValue = parse.GetValue(text);
            var templateValue = parse.GetValue(template);
            if ((textValue is null) == (templateValue is null))
            {
                throw new UsageException("Give exactly one of --text or --template.");
            }

            var body = new JsonObject { ["to"] = parse.GetValue(to) };
            if (textValue is not null)
            {
                body["text"] = textValue;
            }
            else
            {
                body["template"] = templateValue;
                body["language"] = parse.GetValue(language);
                body["parameters"] = new JsonArray([.. (parse.GetValue(parameters) ?? []).Select(p => (JsonNode?)JsonValue.Create(p))]);
            }

            var serverValue = parse.GetValue(server) ?? (parse.GetValue(token) is null ? ctx.Host.Env("EVERTOKEN_SERVER") : null);
            if (serverValue is null && parse.GetValue(token) is null)
            {
                throw new UsageException("Give --server URL (with EVERTOKEN_CLIENT_KEY) to send through a running server, or --token NAME to send with a token of the local store.");
            }

            return serverValue is not null
                ? await ThroughServerAsync(ctx, serverValue, body, parse.GetValue(token), parse.GetValue(phone), ct)
                : await DirectAsync(ctx, body, parse.GetValue(token)!, parse.GetValue(phone), ct);
        });
        return command;
    }

    private static async Task<int> ThroughServerAsync(CliContext ctx, string server, JsonObject body, string? token, string? phone, CancellationToken ct)
    {
        if (token is not null)
        {
            body["token"] = token;
        }

        if (phone is not null)
        {
            body["phone_number_id"] = phone;
        }

        using var client = ServerApiClient.Create(ctx, server, "EVERTOKEN_CLIENT_KEY");
        var (status, answer) = await client.SendAsync(HttpMethod.Post, "v1/messages", body.ToJsonString(), ct);
        if (status == 200 && answer is { ValueKind: JsonValueKind.Object } sent && sent.TryGetProperty("wamid", out var wamid))
        {
            Report(ctx, wamid.GetString()!, sent.TryGetProperty("wa_id", out var waId) ? waId.GetString() : null,
                sent.TryGetProperty("message_status", out var ms) ? ms.GetString() : null);
            return ExitCodes.Ok;
        }

        if (ctx.Json && answer is { } problem)
        {
            ctx.WriteJson(problem);
        }

        ctx.WriteError(ServerApiClient.Describe(status, answer));
        if (status is 400 or 401 or 403)
        {
            return ExitCodes.UsageError;
        }

        return answer is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("whatsapp_kind", out var kind)
            && kind.GetString() is nameof(WhatsAppErrorKind.TokenExpired) or nameof(WhatsAppErrorKind.TokenInvalid)
            ? ExitCodes.TokenUnusable
            : SendRefused;
    }

    private static async Task<int> DirectAsync(CliContext ctx, JsonObject body, string tokenName, string? phoneOption, CancellationToken ct)
    {
        var request = Api.MessageRequestReader.Read(JsonSerializer.SerializeToElement(body));
        if (request.Problems.Count > 0 || request.Message is null)
        {
            throw new UsageException(string.Join(" ", request.Problems.SelectMany(p => p.Value)));
        }

        var store = await ctx.OpenStoreAsync(ct);
        var managed = await store.GetTokenAsync(tokenName, ct) ?? throw new UsageException($"No managed token named '{tokenName}'.");
        var phone = phoneOption ?? managed.PhoneNumberId ?? ctx.Lookup("WHATSAPP_PHONE_NUMBER_ID", "PHONE_NUMBER_ID")
            ?? throw new UsageException($"Token '{tokenName}' has no phone number id: pass --phone-number-id.");

        var graphOptions = Options.Create(new GraphOptions { BaseUrl = ctx.GraphUrl, Version = ctx.GraphVersion });
        var keeper = new TokenKeeper(store, ctx.CreateGraphClient(), new RefreshPolicy(Options.Create(new RefreshPolicyOptions())), new NoRefreshLock(),
            ctx.Host.Time, ctx.LoggerFactory.CreateLogger<TokenKeeper>(), []);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var throttle = new MessageThrottle(Options.Create(new MessageThrottleOptions()), ctx.Host.Time);
        var sender = new ManagedCloudApiClient(new CloudApiClient(http, graphOptions), keeper, throttle, graphOptions, ctx.Host.Time,
            ctx.LoggerFactory.CreateLogger<ManagedCloudApiClient>());
        GraphResult<SendResult> result;
        try
        {
            result = await sender.SendAsync(tokenName, phone, request.Message, ct);
        }
        catch (SendThrottledException ex)
        {
            ctx.WriteError(ex.Message);
            return SendRefused;
        }

        if (result.TryGetValue(out var sent))
        {
            Report(ctx, sent.Wamid, sent.WaId, sent.MessageStatus);
            return ExitCodes.Ok;
        }

        var error = result.Error!;
        if (ctx.Json)
        {
            ctx.WriteJson(new { code = error.Code, subcode = error.Subcode, whatsapp_kind = error.WhatsAppKind.ToString(), details = error.Details, fbtrace_id = error.FbTraceId, message = error.Message });
        }

        ctx.WriteError($"Meta refused the message ({error.WhatsAppKind}, code {error.Code}): {error.Details ?? error.Message}");
        return error.WhatsAppKind is WhatsAppErrorKind.TokenExpired or WhatsAppErrorKind.TokenInvalid ? ExitCodes.TokenUnusable : SendRefused;
    }

    private static void Report(CliContext ctx, string wamid, string? waId, string? messageStatus)
    {
        if (ctx.Json)
        {
            ctx.WriteJson(new { wamid, wa_id = waId, message_status = messageStatus });
        }
        else
        {
            ctx.Host.Out.WriteLine($"Sent {wamid}{(waId is null ? "" : " to " + waId)}{(messageStatus is null ? "" : $" ({messageStatus})")}");
        }
    }
}
