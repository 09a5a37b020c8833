using System.Text.RegularExpressions;

namespace Evertoken.WhatsApp;

/// <summary>
/// Checks a <see cref="WhatsAppMessage"/> against Meta's documented rules before it is sent, and reports every
/// problem at once. Limits: text body 4096 characters (reference §2.2); reply buttons 1-3, title at most 20
/// characters and unique, id at most 256 (reference §2.2, Meta's Node SDK docs); lists: 1-10 sections, 10 rows in
/// total, list button label 20, row id 200, row title 24, row description 72, section title 24 and required with
/// several sections (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-list-messages
/// and https://whatsapp.github.io/WhatsApp-Nodejs-SDK/api-reference/types/RowObject); interactive body 1024,
/// header and footer 60. Lengths are counted in Unicode code points.
/// </summary>
public static partial class MessageValidator
{
    /// <summary>Reply buttons allowed in one message.</summary>
    public const int MaxReplyButtons = 3;

    /// <summary>Longest reply-button title.</summary>
    public const int MaxButtonTitle = 20;

    /// <summary>Longest reply-button id.</summary>
    public const int MaxButtonId = 256;

    /// <summary>Rows allowed in one list, over all sections.</summary>
    public const int MaxListRows = 10;

    /// <summary>Sections allowed in one list.</summary>
    public const int MaxListSections = 10;

    /// <summary>Longest list row title.</summary>
    public const int MaxRowTitle = 24;

    /// <summary>Longest list row id.</summary>
    public const int MaxRowId = 200;

    /// <summary>Longest list row description.</summary>
    public const int MaxRowDescription = 72;

    /// <summary>Longest list section title.</summary>
    public const int MaxSectionTitle = 24;

    /// <summary>Longest label of the button that opens a list.</summary>
    public const int MaxListButtonLabel = 20;

    /// <summary>Longest body of an interactive message.</summary>
    public const int MaxInteractiveBody = 1024;

    /// <summary>Longest text of a text message.</summary>
    public const int MaxTextBody = 4096;

    /// <summary>Longest interactive footer.</summary>
    public const int MaxFooter = 60;

    /// <summary>Longest interactive text header.</summary>
    public const int MaxHeader = 60;

    private static readonly HashSet<string> MediaTypes = [MessageTypes.Image, MessageTypes.Audio, MessageTypes.Video, MessageTypes.Document, MessageTypes.Sticker];

    /// <summary>Returns every problem found; an empty list means the message may be sent.</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="message"/> is null.</exception>
    public static IReadOnlyList<string> Validate(WhatsAppMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var problems = new List<string>();
        if (message.MessagingProduct != WhatsAppMessage.WhatsAppProduct)
        {
            problems.Add($"messaging_product must be \"whatsapp\" (got \"{message.MessagingProduct}\").");
        }

        if (message.IsReadReceipt)
        {
            ValidateReadReceipt(message, problems);
            return problems;
        }

        ValidateRecipient(message, problems);
        if (message.Context is { } context && string.IsNullOrWhiteSpace(context.MessageId))
        {
            problems.Add("context.message_id is required when context is set.");
        }

        switch (message.EffectiveType)
        {
            case MessageTypes.Text:
                ValidateText(message.TextContent, problems);
                break;
            case MessageTypes.Template:
                ValidateTemplate(message.TemplateContent, problems);
                break;
            case var media when MediaTypes.Contains(media):
                ValidateMedia(media, MediaOf(message, media), problems);
                break;
            case MessageTypes.Location:
                ValidateLocation(message.LocationContent, problems);
                break;
            case MessageTypes.Contacts:
                ValidateContacts(message.Contacts, problems);
                break;
            case MessageTypes.Interactive:
                ValidateInteractive(message.Interactive, problems);
                break;
            case MessageTypes.Reaction:
                ValidateReaction(message.ReactionContent, problems);
                break;
            default:
                problems.Add($"type \"{message.Type}\" is not supported by WhatsAppMessage; send it with CloudApiClient.SendRawAsync.");
                break;
        }

        return problems;
    }

    /// <summary>Throws a <see cref="MessageValidationException"/> listing every problem, when there is one.</summary>
    /// <exception cref="MessageValidationException">When the message breaks a rule.</exception>
    public static void ThrowIfInvalid(WhatsAppMessage message)
    {
        var problems = Validate(message);
        if (problems.Count > 0)
        {
            throw new MessageValidationException(problems);
        }
    }

    /// <summary>True when <paramref name="to"/> looks like a phone number (6 to 15 digits, optional leading +,
    /// spaces, dashes, dots and brackets ignored) or a business-scoped user id (<c>prefix.id</c>).</summary>
    public static bool IsPlausibleRecipient(string? to)
    {
        if (string.IsNullOrWhiteSpace(to))
        {
            return false;
        }

        if (BusinessScopedUserId().IsMatch(to))
        {
            return true;
        }

        var digits = 0;
        for (var i = 0; i < to.Length; i++)
        {
            var c = to[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (!(c is ' ' or '-' or '(' or ')' or '.' || (c == '+' && digits == 0)))
            {
                return false;
            }
        }

        return digits is >= 6 and <= 15;
    }

    private static void ValidateReadReceipt(WhatsAppMessage message, List<string> problems)
    {
        if (message.Status != "read")
        {
            problems.Add($"status must be \"read\" for a read receipt (got \"{message.Status}\").");
        }

        if (string.IsNullOrWhiteSpace(message.MessageId))
        {
            problems.Add("message_id (the wamid of the inbound message) is required for a read receipt.");
        }

        if (message.TypingIndicator is { } indicator && indicator.Type != "text")
        {
            problems.Add($"typing_indicator.type must be \"text\" (got \"{indicator.Type}\").");
        }
    }

    private static void ValidateRecipient(WhatsAppMessage message, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(message.To))
        {
            problems.Add("to (the recipient) is required.");
            return;
        }

        if (message.RecipientType is not (null or "individual" or "group"))
        {
            problems.Add($"recipient_type must be \"individual\" or \"group\" (got \"{message.RecipientType}\").");
        }

        if (message.RecipientType == "group")
        {
            if (message.To.Any(char.IsWhiteSpace))
            {
                problems.Add("to must be a group id without spaces when recipient_type is \"group\".");
            }
        }
        else if (!IsPlausibleRecipient(message.To))
        {
            problems.Add("to must be a phone number with 6 to 15 digits (optional leading +) or a business-scoped user id.");
        }
    }

    private static void ValidateText(TextContent? text, List<string> problems)
    {
        if (text is null)
        {
            problems.Add("text is required for type \"text\".");
            return;
        }

        if (string.IsNullOrEmpty(text.Body))
        {
            problems.Add("text.body is required.");
        }
        else
        {
            MaxLength(text.Body, MaxTextBody, "text.body", problems);
        }
    }

    private static void ValidateTemplate(TemplateContent? template, List<string> problems)
    {
        if (template is null)
        {
            problems.Add("template is required for type \"template\".");
            return;
        }

        if (string.IsNullOrWhiteSpace(template.Name))
        {
            problems.Add("template.name is required.");
        }

        if (string.IsNullOrWhiteSpace(template.Language?.Code))
        {
            problems.Add("template.language.code is required (e.g. \"en_US\").");
        }

        var components = template.Components ?? [];
        for (var c = 0; c < components.Count; c++)
        {
            var component = components[c];
            var path = $"template.components[{c}]";
            if (string.IsNullOrWhiteSpace(component.Type))
            {
                problems.Add($"{path}.type is required (header, body or button).");
            }
            else if (component.Type.Equals("button", StringComparison.OrdinalIgnoreCase))
            {
                if (string.IsNullOrWhiteSpace(component.SubType))
                {
                    problems.Add($"{path}.sub_type is required for a button component.");
                }

                if (string.IsNullOrWhiteSpace(component.Index))
                {
                    problems.Add($"{path}.index is required for a button component.");
                }
            }

            var parameters = component.Parameters ?? [];
            for (var p = 0; p < parameters.Count; p++)
            {
                ValidateTemplateParameter(parameters[p], $"{path}.parameters[{p}]", problems);
            }
        }
    }

    private static void ValidateTemplateParameter(TemplateParameter parameter, string path, List<string> problems)
    {
        object? value = parameter.Type switch
        {
            "text" => parameter.Text,
            "currency" => parameter.Currency,
            "date_time" => parameter.DateTime,
            "image" => parameter.Image,
            "video" => parameter.Video,
            "document" => parameter.Document,
            "payload" => parameter.Payload,
            "coupon_code" => parameter.CouponCode,
            "action" => parameter.Action,
            null or "" => null,
            _ => "unknown",
        };
        if (string.IsNullOrEmpty(parameter.Type))
        {
            problems.Add($"{path}.type is required.");
        }
        else if (value is null)
        {
            problems.Add($"{path}.{parameter.Type} is required for a parameter of type \"{parameter.Type}\".");
        }
        else if (parameter.Type is "image" or "video" or "document")
        {
            ValidateMediaSource((MediaObject)value, $"{path}.{parameter.Type}", problems);
        }
        else if (parameter.Type == "currency" && string.IsNullOrWhiteSpace(parameter.Currency!.FallbackValue))
        {
            problems.Add($"{path}.currency.fallback_value is required.");
        }
        else if (parameter.Type == "date_time" && string.IsNullOrWhiteSpace(parameter.DateTime!.FallbackValue))
        {
            problems.Add($"{path}.date_time.fallback_value is required.");
        }
    }

    private static MediaObject? MediaOf(WhatsAppMessage message, string type) => type switch
    {
        MessageTypes.Image => message.ImageMedia,
        MessageTypes.Audio => message.AudioMedia,
        MessageTypes.Video => message.VideoMedia,
        MessageTypes.Document => message.DocumentMedia,
        _ => message.StickerMedia,
    };

    private static void ValidateMedia(string type, MediaObject? media, List<string> problems)
    {
        if (media is null)
        {
            problems.Add($"{type} is required for type \"{type}\".");
            return;
        }

        ValidateMediaSource(media, type, problems);
        if (media.Caption is not null && type is MessageTypes.Audio or MessageTypes.Sticker)
        {
            problems.Add($"{type}.caption is not allowed: only image, video and document take a caption.");
        }

        if (media.Filename is not null && type != MessageTypes.Document)
        {
            problems.Add($"{type}.filename is only allowed on a document.");
        }
    }

    private static void ValidateMediaSource(MediaObject media, string path, List<string> problems)
    {
        var hasId = !string.IsNullOrWhiteSpace(media.Id);
        var hasLink = !string.IsNullOrWhiteSpace(media.Link);
        if (hasId == hasLink)
        {
            problems.Add($"{path} needs exactly one of id (an uploaded media id) or link (a URL).");
        }
    }

    private static void ValidateLocation(LocationContent? location, List<string> problems)
    {
        if (location is null)
        {
            problems.Add("location is required for type \"location\".");
            return;
        }

        if (location.Latitude is < -90 or > 90 || double.IsNaN(location.Latitude))
        {
            problems.Add("location.latitude must be between -90 and 90.");
        }

        if (location.Longitude is < -180 or > 180 || double.IsNaN(location.Longitude))
        {
            problems.Add("location.longitude must be between -180 and 180.");
        }
    }

    private static void ValidateContacts(IReadOnlyList<ContactCard>? contacts, List<string> problems)
    {
        if (contacts is null || contacts.Count == 0)
        {
            problems.Add("contacts must hold at least one contact card for type \"contacts\".");
            return;
        }

        for (var i = 0; i < contacts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(contacts[i].Name?.FormattedName))
            {
                problems.Add($"contacts[{i}].name.formatted_name is required.");
            }
        }
    }

    private static void ValidateReaction(ReactionContent? reaction, List<string> problems)
    {
        if (reaction is null)
        {
            problems.Add("reaction is required for type \"reaction\".");
            return;
        }

        if (string.IsNullOrWhiteSpace(reaction.MessageId))
        {
            problems.Add("reaction.message_id (the wamid reacted to) is required.");
        }

        // An empty emoji is allowed: it removes an earlier reaction.
        if (reaction.Emoji is null)
        {
            problems.Add("reaction.emoji is required (use \"\" to remove a reaction).");
        }
    }

    private static void ValidateInteractive(InteractiveContent? interactive, List<string> problems)
    {
        if (interactive is null)
        {
            problems.Add("interactive is required for type \"interactive\".");
            return;
        }

        if (string.IsNullOrWhiteSpace(interactive.Body?.Text))
        {
            problems.Add("interactive.body.text is required.");
        }
        else
        {
            MaxLength(interactive.Body.Text, MaxInteractiveBody, "interactive.body.text", problems);
        }

        if (interactive.Footer is { } footer)
        {
            if (string.IsNullOrEmpty(footer.Text))
            {
                problems.Add("interactive.footer.text is required when footer is set.");
            }
            else
            {
                MaxLength(footer.Text, MaxFooter, "interactive.footer.text", problems);
            }
        }

        if (interactive.Header is { } header)
        {
            ValidateInteractiveHeader(header, problems);
        }

        switch (interactive.Type)
        {
            case InteractiveContent.ButtonType:
                ValidateButtons(interactive.Action?.Buttons, problems);
                break;
            case InteractiveContent.ListType:
                ValidateList(interactive.Action, problems);
                break;
            default:
                problems.Add($"interactive.type must be \"button\" or \"list\" (got \"{interactive.Type}\"); send other interactive types with CloudApiClient.SendRawAsync.");
                break;
        }
    }

    private static void ValidateInteractiveHeader(InteractiveHeader header, List<string> problems)
    {
        switch (header.Type)
        {
            case "text":
                if (string.IsNullOrEmpty(header.Text))
                {
                    problems.Add("interactive.header.text is required for a text header.");
                }
                else
                {
                    MaxLength(header.Text, MaxHeader, "interactive.header.text", problems);
                }

                break;
            case "image" or "video" or "document":
                var media = header.Type == "image" ? header.Image : header.Type == "video" ? header.Video : header.Document;
                if (media is null)
                {
                    problems.Add($"interactive.header.{header.Type} is required for a {header.Type} header.");
                }
                else
                {
                    ValidateMediaSource(media, $"interactive.header.{header.Type}", problems);
                }

                break;
            default:
                problems.Add($"interactive.header.type must be text, image, video or document (got \"{header.Type}\").");
                break;
        }
    }

    private static void ValidateButtons(IReadOnlyList<InteractiveButton>? buttons, List<string> problems)
    {
        if (buttons is null || buttons.Count == 0)
        {
            problems.Add("interactive.action.buttons must hold 1 to 3 buttons.");
            return;
        }

        if (buttons.Count > MaxReplyButtons)
        {
            problems.Add($"interactive.action.buttons has {buttons.Count} buttons; at most {MaxReplyButtons} are allowed.");
        }

        var titles = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < buttons.Count; i++)
        {
            var path = $"interactive.action.buttons[{i}]";
            var button = buttons[i];
            if (button.Type != "reply")
            {
                problems.Add($"{path}.type must be \"reply\".");
            }

            if (button.Reply is not { } reply)
            {
                problems.Add($"{path}.reply is required.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(reply.Id))
            {
                problems.Add($"{path}.reply.id is required.");
            }
            else
            {
                MaxLength(reply.Id, MaxButtonId, $"{path}.reply.id", problems);
                if (!ids.Add(reply.Id))
                {
                    problems.Add($"{path}.reply.id \"{reply.Id}\" is used by another button; ids must be unique.");
                }
            }

            if (string.IsNullOrWhiteSpace(reply.Title))
            {
                problems.Add($"{path}.reply.title is required.");
            }
            else
            {
                MaxLength(reply.Title, MaxButtonTitle, $"{path}.reply.title", problems);
                if (!titles.Add(reply.Title))
                {
                    problems.Add($"{path}.reply.title \"{reply.Title}\" is used by another button; titles must be unique.");
                }
            }
        }
    }

    private static void ValidateList(InteractiveAction? action, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(action?.Button))
        {
            problems.Add("interactive.action.button (the label of the list button) is required.");
        }
        else
        {
            MaxLength(action.Button, MaxListButtonLabel, "interactive.action.button", problems);
        }

        var sections = action?.Sections;
        if (sections is null || sections.Count == 0)
        {
            problems.Add("interactive.action.sections must hold 1 to 10 sections.");
            return;
        }

        if (sections.Count > MaxListSections)
        {
            problems.Add($"interactive.action.sections has {sections.Count} sections; at most {MaxListSections} are allowed.");
        }

        var totalRows = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < sections.Count; s++)
        {
            var path = $"interactive.action.sections[{s}]";
            var section = sections[s];
            if (string.IsNullOrWhiteSpace(section.Title))
            {
                if (sections.Count > 1)
                {
                    problems.Add($"{path}.title is required when the list has more than one section.");
                }
            }
            else
            {
                MaxLength(section.Title, MaxSectionTitle, $"{path}.title", problems);
            }

            var rows = section.Rows ?? [];
            if (rows.Count == 0)
            {
                problems.Add($"{path}.rows must hold at least one row.");
            }

            totalRows += rows.Count;
            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                var rowPath = $"{path}.rows[{r}]";
                if (string.IsNullOrWhiteSpace(row.Id))
                {
                    problems.Add($"{rowPath}.id is required.");
                }
                else
                {
                    MaxLength(row.Id, MaxRowId, $"{rowPath}.id", problems);
                    if (!ids.Add(row.Id))
                    {
                        problems.Add($"{rowPath}.id \"{row.Id}\" is used by another row; ids must be unique.");
                    }
                }

                if (string.IsNullOrWhiteSpace(row.Title))
                {
                    problems.Add($"{rowPath}.title is required.");
                }
                else
                {
                    MaxLength(row.Title, MaxRowTitle, $"{rowPath}.title", problems);
                }

                if (row.Description is not null)
                {
                    MaxLength(row.Description, MaxRowDescription, $"{rowPath}.description", problems);
                }
            }
        }

        if (totalRows > MaxListRows)
        {
            problems.Add($"the list has {totalRows} rows in total; at most {MaxListRows} are allowed over all sections.");
        }
    }

    private static void MaxLength(string value, int max, string path, List<string> problems)
    {
        var length = value.EnumerateRunes().Count();
        if (length > max)
        {
            problems.Add($"{path} is {length} characters long; at most {max} are allowed.");
        }
    }

    // Business-scoped user ids (2026 rollout) look like "user.<hex>" or "US.<id>".
    [GeneratedRegex(@"^[A-Za-z]{2,16}\.[A-Za-z0-9._-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex BusinessScopedUserId();
}
