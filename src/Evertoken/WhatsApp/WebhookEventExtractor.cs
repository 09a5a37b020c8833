using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Evertoken.WhatsApp;

/// <summary>
/// Reads a webhook body (reference §5.3) into a typed <see cref="WebhookPayload"/> and a flat list of
/// <see cref="WebhookEvent"/>s: one per inbound message, status and value-level error, and one
/// <see cref="WebhookEventKind.Other"/> per change of another field. Tolerant: unknown fields and unknown message
/// types are kept, not refused. A body that is not a webhook envelope is a failed <see cref="WebhookParseResult"/>,
/// never an exception.
/// </summary>
public static class WebhookEventExtractor
{
    private const string MessagesField = "messages";

    /// <summary>Reads <paramref name="body"/> (UTF-8 JSON). Never throws for bad input.</summary>
    public static WebhookParseResult Extract(ReadOnlyMemory<byte> body) => Extract(body, typedPayload: true);

    /// <summary>
    /// Reads only the events of <paramref name="body"/>, skipping the typed <see cref="WebhookPayload"/> (its
    /// <see cref="WebhookParseResult.Payload"/> then holds only <see cref="WebhookPayload.Object"/>): about half the
    /// work, for receivers that store the raw body and route on the events. Never throws for bad input.
    /// </summary>
    public static WebhookParseResult ExtractEvents(ReadOnlyMemory<byte> body) => Extract(body, typedPayload: false);

    /// <summary>
    /// The cheap check a receiver makes before storing a body and answering 200: one forward pass of a
    /// <see cref="Utf8JsonReader"/> (no allocation, no document) that accepts only complete, valid JSON whose root is
    /// an object with an <c>entry</c> array of objects, the envelope every webhook has (reference §5.3). The events
    /// themselves are read later, from the stored body, by the inbox's indexer (<see cref="ExtractEvents"/>).
    /// Never throws for bad input.
    /// </summary>
    /// <param name="body">The UTF-8 body.</param>
    /// <param name="error">Why the body is refused (for a 400), when it is.</param>
    /// <returns>True when the body looks like a webhook payload.</returns>
    public static bool TryValidate(ReadOnlySpan<byte> body, [NotNullWhen(false)] out string? error)
    {
        var reader = new Utf8JsonReader(body);
        var sawEntry = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = $"The body must be a JSON object, not {(reader.TokenType == JsonTokenType.None ? "empty" : reader.TokenType.ToString())}.";
                return false;
            }

            while (reader.Read())
            {
                if (reader.CurrentDepth != 1 || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("entry"u8))
                {
                    continue;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    error = "The body has no \"entry\" array: it is not a webhook payload.";
                    return false;
                }

                sawEntry = true;
                for (var e = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; e++)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        error = $"entry[{e}] must be an object.";
                        return false;
                    }

                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            error = $"The body is not valid JSON: {ex.Message}";
            return false;
        }

        error = sawEntry ? null : "The body has no \"entry\" array: it is not a webhook payload.";
        return sawEntry;
    }

    private static WebhookParseResult Extract(ReadOnlyMemory<byte> body, bool typedPayload)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return WebhookParseResult.Failure($"The body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            try
            {
                return Extract(document.RootElement, typedPayload);
            }
            catch (JsonException ex)
            {
                return WebhookParseResult.Failure(ex.Message);
            }
        }
    }

    /// <summary>Reads an already parsed body. Never throws for bad input.</summary>
    public static WebhookParseResult Extract(JsonElement root) => Extract(root, typedPayload: true);

    private static WebhookParseResult Extract(JsonElement root, bool typedPayload)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return WebhookParseResult.Failure($"The body must be a JSON object, not {root.ValueKind}.");
        }

        if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return WebhookParseResult.Failure("The body has no \"entry\" array: it is not a webhook payload.");
        }

        var events = new List<WebhookEvent>();
        var e = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var entryPath = $"entry[{e++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                return WebhookParseResult.Failure($"{entryPath} must be an object.");
            }

            var wabaId = ReadString(entry, "id");
            if (!entry.TryGetProperty("changes", out var changes) || changes.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (changes.ValueKind != JsonValueKind.Array)
            {
                return WebhookParseResult.Failure($"{entryPath}.changes must be an array.");
            }

            var c = 0;
            foreach (var change in changes.EnumerateArray())
            {
                var error = ExtractChange(change, $"{entryPath}.changes[{c++}]", wabaId, events, typedPayload);
                if (error is not null)
                {
                    return WebhookParseResult.Failure(error);
                }
            }
        }

        if (!typedPayload)
        {
            return WebhookParseResult.Success(new WebhookPayload { Object = ReadString(root, "object") }, events);
        }

        WebhookPayload payload;
        try
        {
            payload = root.Deserialize(WhatsAppJsonContext.Default.WebhookPayload)!;
        }
        catch (JsonException ex)
        {
            return WebhookParseResult.Failure($"The payload could not be read at {ex.Path}: {ex.Message}");
        }

        return WebhookParseResult.Success(payload, events);
    }

    private static string? ExtractChange(JsonElement change, string path, string? wabaId, List<WebhookEvent> events, bool typedMessages)
    {
        if (change.ValueKind != JsonValueKind.Object)
        {
            return $"{path} must be an object.";
        }

        var field = ReadString(change, "field") ?? "";
        if (!change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object)
        {
            // Nothing to route on: keep the whole change so it is not lost.
            events.Add(Other(field, wabaId, null, null, change));
            return null;
        }

        string? phoneNumberId = null, displayNumber = null;
        if (value.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            phoneNumberId = ReadString(metadata, "phone_number_id");
            displayNumber = ReadString(metadata, "display_phone_number");
        }

        var template = new WebhookEvent { Field = field, WabaId = wabaId, PhoneNumberId = phoneNumberId, DisplayPhoneNumber = displayNumber };
        if (field != MessagesField)
        {
            events.Add(Other(field, wabaId, phoneNumberId, displayNumber, value));
            return null;
        }

        var names = ContactNames(value);
        var found = false;
        if (TryGetArray(value, "messages", path, out var messages, out var error))
        {
            found = true;
            var i = 0;
            foreach (var item in messages.EnumerateArray())
            {
                var itemPath = $"{path}.value.messages[{i++}]";
                // Without the typed payload only the routing fields are read: the content (text, media, ...) stays in
                // the raw JSON instead of being materialized twice.
                var problem = typedMessages
                    ? Read(item, itemPath, WhatsAppJsonContext.Default.WebhookMessage, out var message)
                    : ReadRoutingFields(item, itemPath, out message);
                if (problem is { } e)
                {
                    return e;
                }

                events.Add(template with
                {
                    Kind = WebhookEventKind.Message,
                    MessageType = message.Type ?? "unknown",
                    Wamid = message.Id,
                    From = message.From,
                    FromName = message.From is { } from && names.TryGetValue(from, out var name) ? name : null,
                    Timestamp = ParseUnixSeconds(message.Timestamp),
                    Errors = message.Errors ?? [],
                    RawJson = item.GetRawText(),
                    DedupKey = string.IsNullOrEmpty(message.Id) ? HashKey("msg", item) : "msg:" + message.Id,
                });
            }
        }
        else if (error is not null)
        {
            return error;
        }

        if (TryGetArray(value, "statuses", path, out var statuses, out error))
        {
            found = true;
            var i = 0;
            foreach (var item in statuses.EnumerateArray())
            {
                var itemPath = $"{path}.value.statuses[{i++}]";
                if (Read(item, itemPath, WhatsAppJsonContext.Default.WebhookStatus, out var status) is { } e)
                {
                    return e;
                }

                events.Add(template with
                {
                    Kind = WebhookEventKind.Status,
                    Wamid = status.Id,
                    Status = status.Status,
                    RecipientId = status.RecipientId,
                    Timestamp = ParseUnixSeconds(status.Timestamp),
                    Errors = status.Errors ?? [],
                    Pricing = status.Pricing,
                    Conversation = status.Conversation,
                    RawJson = item.GetRawText(),
                    DedupKey = string.IsNullOrEmpty(status.Id) ? HashKey("status", item) : $"status:{status.Id}:{status.Status}",
                });
            }
        }
        else if (error is not null)
        {
            return error;
        }

        if (TryGetArray(value, "errors", path, out var errors, out error))
        {
            found = true;
            var i = 0;
            foreach (var item in errors.EnumerateArray())
            {
                var itemPath = $"{path}.value.errors[{i++}]";
                if (Read(item, itemPath, WhatsAppJsonContext.Default.WebhookError, out var webhookError) is { } e)
                {
                    return e;
                }

                events.Add(template with
                {
                    Kind = WebhookEventKind.Error,
                    Errors = [webhookError],
                    RawJson = item.GetRawText(),
                    DedupKey = HashKey("error", item),
                });
            }
        }
        else if (error is not null)
        {
            return error;
        }

        if (!found)
        {
            events.Add(Other(field, wabaId, phoneNumberId, displayNumber, value));
        }

        return null;
    }

    private static WebhookEvent Other(string field, string? wabaId, string? phoneNumberId, string? displayNumber, JsonElement item) => new()
    {
        Kind = WebhookEventKind.Other,
        Field = field,
        WabaId = wabaId,
        PhoneNumberId = phoneNumberId,
        DisplayPhoneNumber = displayNumber,
        Timestamp = item.ValueKind == JsonValueKind.Object ? ParseUnixSeconds(ReadString(item, "timestamp")) : null,
        RawJson = item.GetRawText(),
        DedupKey = HashKey("other", item),
    };

    private static bool TryGetArray(JsonElement value, string name, string path, out JsonElement array, out string? error)
    {
        error = null;
        if (!value.TryGetProperty(name, out array) || array.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            error = $"{path}.value.{name} must be an array.";
            return false;
        }

        return true;
    }

    private static string? Read<T>(JsonElement item, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, out T result)
        where T : class
    {
        result = null!;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"{path} must be an object.";
        }

        try
        {
            result = item.Deserialize(typeInfo)!;
            return null;
        }
        catch (JsonException ex)
        {
            return $"{path} could not be read ({ex.Path}): {ex.Message}";
        }
    }

    private static string? ReadRoutingFields(JsonElement item, string path, out WebhookMessage message)
    {
        message = null!;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"{path} must be an object.";
        }

        foreach (var name in RoutingFields)
        {
            if (item.TryGetProperty(name, out var field) && field.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
            {
                return $"{path} could not be read ($.{name}): it must be a string.";
            }
        }

        List<WebhookError>? errors = null;
        if (item.TryGetProperty("errors", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                return $"{path} could not be read ($.errors): it must be an array.";
            }

            errors = [];
            var i = 0;
            foreach (var error in list.EnumerateArray())
            {
                if (Read(error, $"{path}.errors[{i++}]", WhatsAppJsonContext.Default.WebhookError, out var read) is { } problem)
                {
                    return problem;
                }

                errors.Add(read);
            }
        }

        message = new WebhookMessage
        {
            Id = ReadString(item, "id"),
            From = ReadString(item, "from"),
            Type = ReadString(item, "type"),
            Timestamp = ReadString(item, "timestamp"),
            Errors = errors,
        };
        return null;
    }

    private static readonly string[] RoutingFields = ["id", "from", "type", "timestamp"];

    private static Dictionary<string, string> ContactNames(JsonElement value)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.TryGetProperty("contacts", out var contacts) && contacts.ValueKind == JsonValueKind.Array)
        {
            foreach (var contact in contacts.EnumerateArray())
            {
                if (contact.ValueKind == JsonValueKind.Object
                    && ReadString(contact, "wa_id") is { Length: > 0 } waId
                    && contact.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object
                    && ReadString(profile, "name") is { } name)
                {
                    names[waId] = name;
                }
            }
        }

        return names;
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static DateTimeOffset? ParseUnixSeconds(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds is >= 0 and <= 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static string HashKey(string prefix, JsonElement item) =>
        prefix + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(item.GetRawText())));
}
