namespace Evertoken.WhatsApp;

/// <summary>The values of <see cref="WhatsAppMessage.Type"/> this library builds and validates (reference §2.1).</summary>
public static class MessageTypes
{
    /// <summary><c>text</c>.</summary>
    public const string Text = "text";

    /// <summary><c>template</c>.</summary>
    public const string Template = "template";

    /// <summary><c>image</c>.</summary>
    public const string Image = "image";

    /// <summary><c>audio</c>.</summary>
    public const string Audio = "audio";

    /// <summary><c>video</c>.</summary>
    public const string Video = "video";

    /// <summary><c>document</c>.</summary>
    public const string Document = "document";

    /// <summary><c>sticker</c>.</summary>
    public const string Sticker = "sticker";

    /// <summary><c>location</c>.</summary>
    public const string Location = "location";

    /// <summary><c>contacts</c>.</summary>
    public const string Contacts = "contacts";

    /// <summary><c>interactive</c>.</summary>
    public const string Interactive = "interactive";

    /// <summary><c>reaction</c>.</summary>
    public const string Reaction = "reaction";
}
