using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>template</c> object: an approved template, its language and the values of its variables.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TemplateContent
{
    /// <summary>The template name, e.g. <c>hello_world</c>.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The template language.</summary>
    [JsonPropertyName("language")]
    public TemplateLanguage? Language { get; init; }

    /// <summary>Header, body and button components carrying the parameters. Their count must match the template
    /// (else Meta answers 132000).</summary>
    [JsonPropertyName("components")]
    public IReadOnlyList<TemplateComponent>? Components { get; init; }
}
