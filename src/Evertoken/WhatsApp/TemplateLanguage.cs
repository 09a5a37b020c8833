using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>language</c> object of a template.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TemplateLanguage
{
    /// <summary>Language and locale code, e.g. <c>en_US</c>.</summary>
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    /// <summary>Language policy; Meta only knows <c>deterministic</c>. Usually left out.</summary>
    [JsonPropertyName("policy")]
    public string? Policy { get; init; }
}
