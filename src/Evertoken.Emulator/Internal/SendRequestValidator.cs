using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// Checks a <c>POST /{phone-number-id}/messages</c> body as the Cloud API does (reference whatsapp-cloud-api.md §2):
/// a missing value of the message is 131008, a wrong value 131009, a malformed request 100 "Invalid parameter",
/// each with <c>error_data.details</c> naming the parameter. The details wording is ours, in Graph's style
/// (<c>text['body']</c>); callers should rely on the code, as Meta advises.
/// </summary>
internal static class SendRequestValidator
{
    private static readonly HashSet<string> MediaTypes = new(StringComparer.Ordinal) { "image", "audio", "video", "document", "sticker" };

    // Types Meta knows that the emulator does not model (commerce, flows...): answered with 131051.
    private static readonly HashSet<string> SupportedTypes = new(StringComparer.Ordinal)
    {
        "text", "template", "image", "audio", "video", "document", "sticker", "location", "contacts", "interactive", "reaction",
    };

    private static readonly HashSet<string> InteractiveTypes = new(StringComparer.Ordinal)
    {
        "button", "list", "cta_url", "product", "product_list", "catalog_message", "flow", "location_request_message", "address_message",
    };

    private static readonly HashSet<string> TemplateComponentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "header", "body", "footer", "button", "carousel", "limited_time_offer",
    };

    public static (ValidatedSend? Send, GraphError? Error) Validate(JsonObject body)
    {
        var recipientType = Text(body["recipient_type"]) ?? "individual";
        if (recipientType is not ("individual" or "group"))
        {
            return Fail(WhatsAppErrors.InvalidParameter("Param recipient_type must be one of {individual, group}."));
        }

        var to = body["to"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(to))
        {
            return Fail(GraphErrors.MissingParameter("to"));
        }

        var waId = WebhookPayloads.Digits(to);
        if (recipientType == "individual" && (waId.Length is < 5 or > 20 || to.Any(c => !char.IsAsciiDigit(c) && c is not ('+' or ' ' or '-' or '(' or ')' or '.'))))
        {
            return Fail(WhatsAppErrors.InvalidParameter(string.Create(CultureInfo.InvariantCulture, $"Invalid phone number in param to: '{to}'.")));
        }

        // "type" is optional on Meta's side and defaults to text (messages reference: "If omitted, defaults to text").
        var type = body["type"] is null ? "text" : Text(body["type"]);
        if (string.IsNullOrEmpty(type))
        {
            return Fail(WhatsAppErrors.InvalidParameter("Param type must be a non-empty string."));
        }

        if (!SupportedTypes.Contains(type))
        {
            return Fail(WhatsAppErrors.UnsupportedMessageType(type));
        }

        if (body["context"] is { } context && (context is not JsonObject c || string.IsNullOrEmpty(Text(c["message_id"]))))
        {
            return Fail(WhatsAppErrors.RequiredParameterMissing("The parameter context['message_id'] is required."));
        }

        var error = type switch
        {
            "text" => TextMessage(body),
            "template" => Template(body),
            "location" => Location(body),
            "contacts" => Contacts(body),
            "interactive" => Interactive(body),
            "reaction" => Reaction(body),
            _ => Media(body, type),
        };
        if (error is not null)
        {
            return Fail(error);
        }

        var opaque = Text(body["biz_opaque_callback_data"]);
        return (new ValidatedSend(to, recipientType == "group" ? to : waId, type, opaque), null);
    }

    private static GraphError? TextMessage(JsonObject body)
    {
        if (body["text"] is not JsonObject text)
        {
            return Missing("text");
        }

        foreach (var (key, _) in text)
        {
            if (key is not ("body" or "preview_url"))
            {
                return WhatsAppErrors.ParameterValueNotValid($"Unexpected key \"{key}\" on param \"text\".");
            }
        }

        var value = Text(text["body"]);
        if (string.IsNullOrEmpty(value))
        {
            return Missing("text['body']");
        }

        if (value.Length > 4096)
        {
            return WhatsAppErrors.InvalidParameter("Param text['body'] must be at most 4096 characters long.");
        }

        return text["preview_url"] is { } preview && preview.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)
            ? WhatsAppErrors.ParameterValueNotValid("Param text['preview_url'] must be a boolean.")
            : null;
    }

    private static GraphError? Template(JsonObject body)
    {
        if (body["template"] is not JsonObject template)
        {
            return Missing("template");
        }

        // Observed on Meta: a template without a name is code 100 with details "Parameter name is missing or empty".
        if (string.IsNullOrEmpty(Text(template["name"])))
        {
            return WhatsAppErrors.InvalidParameter("Parameter name is missing or empty");
        }

        if (template["language"] is not JsonObject language || string.IsNullOrEmpty(Text(language["code"])))
        {
            return Missing("template['language']['code']");
        }

        if (template["components"] is null)
        {
            return null;
        }

        if (template["components"] is not JsonArray components)
        {
            return WhatsAppErrors.ParameterValueNotValid("Param template['components'] must be an array.");
        }

        for (var i = 0; i < components.Count; i++)
        {
            var where = $"template['components'][{i}]";
            if (components[i] is not JsonObject component || Text(component["type"]) is not { Length: > 0 } componentType)
            {
                return Missing(where + "['type']");
            }

            if (!TemplateComponentTypes.Contains(componentType))
            {
                return WhatsAppErrors.ParameterValueNotValid($"Param {where}['type'] is not a valid component type.");
            }

            if (componentType.Equals("button", StringComparison.OrdinalIgnoreCase))
            {
                if (string.IsNullOrEmpty(Text(component["sub_type"])))
                {
                    return Missing(where + "['sub_type']");
                }

                if (component["index"] is null)
                {
                    return Missing(where + "['index']");
                }
            }

            if (component["parameters"] is JsonArray parameters && TemplateParameters(parameters, where) is { } bad)
            {
                return bad;
            }
        }

        return null;
    }

    private static GraphError? TemplateParameters(JsonArray parameters, string where)
    {
        foreach (var item in parameters)
        {
            if (item is not JsonObject parameter || Text(parameter["type"]) is not { Length: > 0 } type)
            {
                return Missing(where + "['parameters'][n]['type']");
            }

            var ok = type switch
            {
                "text" => parameter["text"] is JsonValue v && v.GetValueKind() == JsonValueKind.String,
                "payload" => parameter["payload"] is not null,
                "currency" => parameter["currency"] is JsonObject currency && currency["fallback_value"] is not null && currency["code"] is not null && currency["amount_1000"] is not null,
                "date_time" => parameter["date_time"] is JsonObject dateTime && dateTime["fallback_value"] is not null,
                "image" or "video" or "document" => parameter[type] is JsonObject media && (media["id"] is not null || media["link"] is not null),
                _ => true,
            };
            if (!ok)
            {
                // Observed wording for a text parameter whose text is null: code 100, this details text.
                return WhatsAppErrors.InvalidParameter($"Parameter '{type}' is mandatory for component parameter type '{type}'");
            }
        }

        return null;
    }

    private static GraphError? Media(JsonObject body, string type)
    {
        if (body[type] is not JsonObject media)
        {
            return Missing(type);
        }

        var id = Text(media["id"]);
        var link = Text(media["link"]);
        if (id is null && link is null)
        {
            return WhatsAppErrors.RequiredParameterMissing($"The parameter {type}['id'] or {type}['link'] is required.");
        }

        if (id is not null && link is not null)
        {
            return WhatsAppErrors.ParameterValueNotValid($"Param {type} must have either 'id' or 'link', not both.");
        }

        if (link is not null && (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            return WhatsAppErrors.ParameterValueNotValid($"Param {type}['link'] must be a valid http or https URL.");
        }

        if (media["caption"] is not null && type is "audio" or "sticker")
        {
            return WhatsAppErrors.ParameterValueNotValid($"Param {type}['caption'] is not supported for {type} messages.");
        }

        return null;
    }

    private static GraphError? Location(JsonObject body)
    {
        if (body["location"] is not JsonObject location)
        {
            return Missing("location");
        }

        foreach (var (name, limit) in new[] { ("latitude", 90.0), ("longitude", 180.0) })
        {
            if (location[name] is null)
            {
                return Missing($"location['{name}']");
            }

            if (Number(location[name]) is not { } value || Math.Abs(value) > limit)
            {
                return WhatsAppErrors.ParameterValueNotValid($"Param location['{name}'] must be a number between -{limit} and {limit}.");
            }
        }

        return null;
    }

    private static GraphError? Contacts(JsonObject body)
    {
        if (body["contacts"] is not JsonArray { Count: > 0 } contacts)
        {
            return Missing("contacts");
        }

        for (var i = 0; i < contacts.Count; i++)
        {
            if (contacts[i] is not JsonObject contact || contact["name"] is not JsonObject name || string.IsNullOrEmpty(Text(name["formatted_name"])))
            {
                return Missing($"contacts[{i}]['name']['formatted_name']");
            }
        }

        return null;
    }

    private static GraphError? Interactive(JsonObject body)
    {
        if (body["interactive"] is not JsonObject interactive)
        {
            return Missing("interactive");
        }

        var type = Text(interactive["type"]);
        if (string.IsNullOrEmpty(type))
        {
            return Missing("interactive['type']");
        }

        if (!InteractiveTypes.Contains(type))
        {
            return WhatsAppErrors.ParameterValueNotValid($"Param interactive['type'] must be one of {{{string.Join(", ", InteractiveTypes)}}}.");
        }

        if (type is not ("button" or "list"))
        {
            return null;
        }

        if (interactive["body"] is not JsonObject content || string.IsNullOrEmpty(Text(content["text"])))
        {
            return Missing("interactive['body']['text']");
        }

        if (interactive["action"] is not JsonObject action)
        {
            return Missing("interactive['action']");
        }

        return type == "button" ? ReplyButtons(action) : ListSections(action);
    }

    // Reply buttons (reference §2.2): 1 to 3, title at most 20 characters and unique, id at most 256 characters.
    private static GraphError? ReplyButtons(JsonObject action)
    {
        if (action["buttons"] is not JsonArray { Count: > 0 } buttons)
        {
            return Missing("interactive['action']['buttons']");
        }

        if (buttons.Count > 3)
        {
            return WhatsAppErrors.ParameterValueNotValid("Param interactive['action']['buttons'] must contain at most 3 elements.");
        }

        var titles = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < buttons.Count; i++)
        {
            var where = $"interactive['action']['buttons'][{i}]";
            if (buttons[i] is not JsonObject button || button["reply"] is not JsonObject reply)
            {
                return Missing(where + "['reply']");
            }

            var id = Text(reply["id"]);
            var title = Text(reply["title"]);
            if (string.IsNullOrEmpty(id))
            {
                return Missing(where + "['reply']['id']");
            }

            if (string.IsNullOrEmpty(title))
            {
                return Missing(where + "['reply']['title']");
            }

            if (title.Length > 20 || id.Length > 256)
            {
                return WhatsAppErrors.ParameterValueNotValid($"Param {where}['reply']['title'] must be at most 20 characters and ['id'] at most 256.");
            }

            if (!titles.Add(title) || !ids.Add(id))
            {
                return WhatsAppErrors.ParameterValueNotValid("Buttons must have unique ids and titles.");
            }
        }

        return null;
    }

    // List messages (reference §2.2): a menu button label, sections with rows, at most 10 rows in all.
    private static GraphError? ListSections(JsonObject action)
    {
        if (string.IsNullOrEmpty(Text(action["button"])))
        {
            return Missing("interactive['action']['button']");
        }

        if (action["sections"] is not JsonArray { Count: > 0 } sections)
        {
            return Missing("interactive['action']['sections']");
        }

        var rows = 0;
        for (var i = 0; i < sections.Count; i++)
        {
            if (sections[i] is not JsonObject section || section["rows"] is not JsonArray { Count: > 0 } sectionRows)
            {
                return Missing($"interactive['action']['sections'][{i}]['rows']");
            }

            foreach (var row in sectionRows)
            {
                if (row is not JsonObject r || string.IsNullOrEmpty(Text(r["id"])) || string.IsNullOrEmpty(Text(r["title"])))
                {
                    return Missing($"interactive['action']['sections'][{i}]['rows'][n]['id'] and ['title']");
                }

                rows++;
            }
        }

        return rows > 10 ? WhatsAppErrors.ParameterValueNotValid("Total row count exceeded: a list message may have at most 10 rows.") : null;
    }

    private static GraphError? Reaction(JsonObject body)
    {
        if (body["reaction"] is not JsonObject reaction)
        {
            return Missing("reaction");
        }

        if (string.IsNullOrEmpty(Text(reaction["message_id"])))
        {
            return Missing("reaction['message_id']");
        }

        // An empty emoji removes a reaction, so only its absence is an error.
        return reaction["emoji"] is JsonValue emoji && emoji.GetValueKind() == JsonValueKind.String ? null : Missing("reaction['emoji']");
    }

    private static GraphError Missing(string parameter) =>
        WhatsAppErrors.RequiredParameterMissing($"The parameter {parameter} is required.");

    private static (ValidatedSend?, GraphError?) Fail(GraphError error) => (null, error);

    /// <summary>The string value of a node, or null when it is absent or not a string.</summary>
    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String
            && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };
}
