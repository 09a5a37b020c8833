using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>
/// The body of <c>POST /{phone-number-id}/messages</c>: one outbound message (text, template, media, location,
/// contacts, interactive, reaction) or a read receipt. Property names match Meta's wire names exactly
/// (reference §2); unset properties are left out of the JSON. Build one with the factory methods
/// (<see cref="Text"/>, <see cref="Template"/>, <see cref="Image"/>, ...) or deserialize pasted JSON with
/// <see cref="WhatsAppJsonContext"/>. Fields this model does not know (flows, orders, ...) need
/// <see cref="CloudApiClient.SendRawAsync"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record WhatsAppMessage
{
    /// <summary>The only product value Meta accepts.</summary>
    public const string WhatsAppProduct = "whatsapp";

    /// <summary>Always <c>whatsapp</c>. Default <c>whatsapp</c>.</summary>
    [JsonPropertyName("messaging_product")]
    public string MessagingProduct { get; init; } = WhatsAppProduct;

    /// <summary><c>individual</c> (Meta's default when left out) or <c>group</c>.</summary>
    [JsonPropertyName("recipient_type")]
    public string? RecipientType { get; init; }

    /// <summary>The recipient: phone number (digits, optional leading <c>+</c>), a business-scoped user id or a group id.
    /// Not used by read receipts.</summary>
    [JsonPropertyName("to")]
    public string? To { get; init; }

    /// <summary>The message type, see <see cref="MessageTypes"/>. Meta treats a missing type as <c>text</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>Makes the message a reply to an earlier message.</summary>
    [JsonPropertyName("context")]
    public MessageContext? Context { get; init; }

    /// <summary>An opaque string Meta echoes back in the status webhooks of this message.</summary>
    [JsonPropertyName("biz_opaque_callback_data")]
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary>The <c>text</c> object (type <c>text</c>).</summary>
    [JsonPropertyName("text")]
    public TextContent? TextContent { get; init; }

    /// <summary>The <c>template</c> object (type <c>template</c>).</summary>
    [JsonPropertyName("template")]
    public TemplateContent? TemplateContent { get; init; }

    /// <summary>The <c>image</c> object (type <c>image</c>).</summary>
    [JsonPropertyName("image")]
    public MediaObject? ImageMedia { get; init; }

    /// <summary>The <c>audio</c> object (type <c>audio</c>).</summary>
    [JsonPropertyName("audio")]
    public MediaObject? AudioMedia { get; init; }

    /// <summary>The <c>video</c> object (type <c>video</c>).</summary>
    [JsonPropertyName("video")]
    public MediaObject? VideoMedia { get; init; }

    /// <summary>The <c>document</c> object (type <c>document</c>).</summary>
    [JsonPropertyName("document")]
    public MediaObject? DocumentMedia { get; init; }

    /// <summary>The <c>sticker</c> object (type <c>sticker</c>).</summary>
    [JsonPropertyName("sticker")]
    public MediaObject? StickerMedia { get; init; }

    /// <summary>The <c>location</c> object (type <c>location</c>).</summary>
    [JsonPropertyName("location")]
    public LocationContent? LocationContent { get; init; }

    /// <summary>The <c>contacts</c> array (type <c>contacts</c>).</summary>
    [JsonPropertyName("contacts")]
    public IReadOnlyList<ContactCard>? Contacts { get; init; }

    /// <summary>The <c>interactive</c> object (type <c>interactive</c>).</summary>
    [JsonPropertyName("interactive")]
    public InteractiveContent? Interactive { get; init; }

    /// <summary>The <c>reaction</c> object (type <c>reaction</c>).</summary>
    [JsonPropertyName("reaction")]
    public ReactionContent? ReactionContent { get; init; }

    /// <summary><c>read</c> for a read receipt (then <see cref="MessageId"/> is required and <see cref="To"/> unused).</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>The wamid of the inbound message a read receipt marks as read.</summary>
    [JsonPropertyName("message_id")]
    public string? MessageId { get; init; }

    /// <summary>Shows the typing bubble along with a read receipt (until the reply, at most 25 s).</summary>
    [JsonPropertyName("typing_indicator")]
    public TypingIndicator? TypingIndicator { get; init; }

    /// <summary>True when this is a read receipt (<c>status: read</c>) rather than a message.</summary>
    [JsonIgnore]
    public bool IsReadReceipt => Status is not null;

    /// <summary>The type Meta will use: <see cref="Type"/>, or <c>text</c> when it is left out.</summary>
    [JsonIgnore]
    public string EffectiveType => Type ?? MessageTypes.Text;

    /// <summary>A copy of this message that replies to <paramref name="wamid"/> (sets <c>context.message_id</c>).</summary>
    public WhatsAppMessage ReplyTo(string wamid) => this with { Context = new MessageContext { MessageId = wamid } };

    /// <summary>A text message. <paramref name="previewUrl"/> asks WhatsApp to render a preview of the first link.</summary>
    public static WhatsAppMessage Text(string to, string body, bool previewUrl = false) =>
        Individual(to, MessageTypes.Text) with { TextContent = new TextContent { Body = body, PreviewUrl = previewUrl } };

    /// <summary>A template message, e.g. <c>Template(to, "order_shipped", "en_US", TemplateComponent.Body("Ana", "#42"))</c>.</summary>
    public static WhatsAppMessage Template(string to, string name, string languageCode, params IEnumerable<TemplateComponent> components)
    {
        var list = components.ToList();
        return Individual(to, MessageTypes.Template) with
        {
            TemplateContent = new TemplateContent
            {
                Name = name,
                Language = new TemplateLanguage { Code = languageCode },
                Components = list.Count == 0 ? null : list,
            },
        };
    }

    /// <summary>An image, by media id or link (<see cref="MediaObject.ById"/>, <see cref="MediaObject.ByLink"/>).</summary>
    public static WhatsAppMessage Image(string to, MediaObject image) => Individual(to, MessageTypes.Image) with { ImageMedia = image };

    /// <summary>An audio message, by media id or link (no caption).</summary>
    public static WhatsAppMessage Audio(string to, MediaObject audio) => Individual(to, MessageTypes.Audio) with { AudioMedia = audio };

    /// <summary>A video, by media id or link.</summary>
    public static WhatsAppMessage Video(string to, MediaObject video) => Individual(to, MessageTypes.Video) with { VideoMedia = video };

    /// <summary>A document, by media id or link, with an optional file name.</summary>
    public static WhatsAppMessage Document(string to, MediaObject document) => Individual(to, MessageTypes.Document) with { DocumentMedia = document };

    /// <summary>A sticker (webp), by media id or link (no caption).</summary>
    public static WhatsAppMessage Sticker(string to, MediaObject sticker) => Individual(to, MessageTypes.Sticker) with { StickerMedia = sticker };

    /// <summary>A location pin.</summary>
    public static WhatsAppMessage Location(string to, double latitude, double longitude, string? name = null, string? address = null) =>
        Individual(to, MessageTypes.Location) with
        {
            LocationContent = new LocationContent { Latitude = latitude, Longitude = longitude, Name = name, Address = address },
        };

    /// <summary>One or more contact cards.</summary>
    public static WhatsAppMessage ContactCards(string to, params IEnumerable<ContactCard> contacts) =>
        Individual(to, MessageTypes.Contacts) with { Contacts = contacts.ToList() };

    /// <summary>An interactive message with up to 3 reply buttons.</summary>
    public static WhatsAppMessage Buttons(string to, string bodyText, params IEnumerable<ReplyButton> buttons) =>
        Individual(to, MessageTypes.Interactive) with
        {
            Interactive = new InteractiveContent
            {
                Type = InteractiveContent.ButtonType,
                Body = new InteractiveText { Text = bodyText },
                Action = new InteractiveAction
                {
                    Buttons = buttons.Select(b => new InteractiveButton { Reply = b }).ToList(),
                },
            },
        };

    /// <summary>An interactive list: a menu button labelled <paramref name="buttonLabel"/> opening up to 10 rows in sections.</summary>
    public static WhatsAppMessage List(string to, string bodyText, string buttonLabel, params IEnumerable<ListSection> sections) =>
        Individual(to, MessageTypes.Interactive) with
        {
            Interactive = new InteractiveContent
            {
                Type = InteractiveContent.ListType,
                Body = new InteractiveText { Text = bodyText },
                Action = new InteractiveAction { Button = buttonLabel, Sections = sections.ToList() },
            },
        };

    /// <summary>A reaction to <paramref name="wamid"/>; an empty <paramref name="emoji"/> removes the reaction.</summary>
    public static WhatsAppMessage Reaction(string to, string wamid, string emoji) =>
        Individual(to, MessageTypes.Reaction) with { ReactionContent = new ReactionContent { MessageId = wamid, Emoji = emoji } };

    /// <summary>A read receipt for an inbound message, optionally with the typing indicator.</summary>
    public static WhatsAppMessage MarkAsRead(string wamid, bool typingIndicator = false) => new()
    {
        Status = "read",
        MessageId = wamid,
        TypingIndicator = typingIndicator ? new TypingIndicator() : null,
    };

    private static WhatsAppMessage Individual(string to, string type) =>
        new() { RecipientType = "individual", To = to, Type = type };
}
