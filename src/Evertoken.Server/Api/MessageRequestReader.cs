using System.Text.Json;
using System.Text.Json.Nodes;
using Evertoken.WhatsApp;

namespace Evertoken.Server.Api;

/// <summary>
/// Reads the body of <c>POST /v1/messages</c>: Meta's own JSON (so existing bodies can be pasted), or the shortcuts
/// <c>{"to","text"}</c> and <c>{"to","template","language","parameters":[...]}</c>; plus our optional <c>token</c> and
/// <c>phone_number_id</c>. Collects every problem instead of stopping at the first.
/// </summary>
internal static class MessageRequestReader
{
    /// <summary>The language of a template shortcut without one.</summary>
    public const string DefaultLanguage = "en_US";

    public static MessageRequest Read(JsonElement body)
    {
        var problems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string key, string problem)
        {
            if (!problems.TryGetValue(key, out var list))
            {
                problems[key] = list = [];
            }

            list.Add(problem);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            Add("body", "The body must be a JSON object.");
            return new MessageRequest(null, null, null, problems);
        }

        var node = JsonObject.Create(body)!;
        var token = TakeString(node, "token", Add);
        var phone = TakeString(node, "phone_number_id", Add);
        WhatsAppMessage? message = null;
        if (node["text"] is JsonValue textValue && textValue.GetValueKind() == JsonValueKind.String)
        {
            message = Shortcut(node, "text", Add, to => WhatsAppMessage.Text(to, textValue.GetValue<string>(),
                node["preview_url"] is JsonValue p && p.GetValueKind() == JsonValueKind.True));
        }
        else if (node["template"] is JsonValue templateValue && templateValue.GetValueKind() == JsonValueKind.String)
        {
            var language = node["language"] switch
            {
                null => DefaultLanguage,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                _ => null,
            };
            if (language is null)
            {
                Add("language", "language must be a string such as en_US.");
            }

            var parameters = new List<string>();
            if (node["parameters"] is JsonArray array)
            {
                foreach (var item in array)
                {
                    if (item is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number)
                    {
                        parameters.Add(value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString());
                    }
                    else
                    {
                        Add("parameters", "parameters must be an array of strings (the body variables, in order).");
                        break;
                    }
                }
            }
            else if (node["parameters"] is not null)
            {
                Add("parameters", "parameters must be an array of strings (the body variables, in order).");
            }

            message = Shortcut(node, "template", Add, to => parameters.Count == 0
                ? WhatsAppMessage.Template(to, templateValue.GetValue<string>(), language ?? DefaultLanguage)
                : WhatsAppMessage.Template(to, templateValue.GetValue<string>(), language ?? DefaultLanguage, TemplateComponent.Body(parameters)));
        }
        else
        {
            try
            {
                message = node.Deserialize(WhatsAppJsonContext.Default.WhatsAppMessage);
            }
            catch (JsonException ex)
            {
                Add(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.'),
                    $"Not a WhatsApp message body: {ex.Message}");
            }

            if (message is not null && message.IsReadReceipt)
            {
                Add("status", "Read receipts are not sent through /v1/messages.");
            }
        }

        if (message is not null)
        {
            foreach (var problem in MessageValidator.Validate(message))
            {
                Add(KeyOf(problem), problem);
            }
        }

        return new MessageRequest(message, token, phone, problems);
    }

    private static WhatsAppMessage? Shortcut(JsonObject node, string field, Action<string, string> add, Func<string, WhatsAppMessage> build)
    {
        var allowed = field == "text" ? TextShortcutFields : TemplateShortcutFields;
        foreach (var (name, _) in node)
        {
            if (!allowed.Contains(name))
            {
                add(name, $"{name} is not a field of the {field} shortcut; use Meta's message JSON for more options.");
            }
        }

        if (node["to"] is not JsonValue to || to.GetValueKind() != JsonValueKind.String)
        {
            add("to", "to is required: the recipient's phone number.");
            return null;
        }

        return build(to.GetValue<string>());
    }

    private static string? TakeString(JsonObject node, string name, Action<string, string> add)
    {
        if (node[name] is not { } value)
        {
            node.Remove(name);
            return null;
        }

        node.Remove(name);
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } text)
        {
            return text;
        }

        add(name, $"{name} must be a non-empty string.");
        return null;
    }

    // The validator names the JSON path first ("to is required", "template.name ..."): use it as the key.
    private static string KeyOf(string problem)
    {
        var end = problem.IndexOf(' ', StringComparison.Ordinal);
        var head = end > 0 ? problem[..end] : problem;
        return head.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '[' or ']') && head.Length > 0 ? head : "message";
    }

    private static readonly HashSet<string> TextShortcutFields = ["to", "text", "preview_url"];
    private static readonly HashSet<string> TemplateShortcutFields = ["to", "template", "language", "parameters"];
}

/// <summary>A read request: the message (when it could be built), the optional token and phone number id, and every problem.</summary>
internal sealed record MessageRequest(WhatsAppMessage? Message, string? Token, string? PhoneNumberId, Dictionary<string, List<string>> Problems);
