using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>interactive</c> object: reply buttons (<c>button</c>) or a list (<c>list</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InteractiveContent
{
    /// <summary>The <see cref="Type"/> of a reply-button message.</summary>
    public const string ButtonType = "button";

    /// <summary>The <see cref="Type"/> of a list message.</summary>
    public const string ListType = "list";

    /// <summary><c>button</c> or <c>list</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>Optional header.</summary>
    [JsonPropertyName("header")]
    public InteractiveHeader? Header { get; init; }

    /// <summary>The body text (required, at most 1024 characters).</summary>
    [JsonPropertyName("body")]
    public InteractiveText? Body { get; init; }

    /// <summary>Optional footer (at most 60 characters).</summary>
    [JsonPropertyName("footer")]
    public InteractiveText? Footer { get; init; }

    /// <summary>The buttons or the list.</summary>
    [JsonPropertyName("action")]
    public InteractiveAction? Action { get; init; }

    /// <summary>A copy with a text header.</summary>
    public InteractiveContent WithHeader(string text) => this with { Header = new InteractiveHeader { Type = "text", Text = text } };

    /// <summary>A copy with a footer.</summary>
    public InteractiveContent WithFooter(string text) => this with { Footer = new InteractiveText { Text = text } };
}
