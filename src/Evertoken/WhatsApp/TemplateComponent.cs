using System.Text.Json.Serialization;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.WhatsApp;

/// <summary>One template component: <c>header</c>, <c>body</c> or <c>button</c> (with <c>sub_type</c> and <c>index</c>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TemplateComponent
{
    /// <summary><c>header</c>, <c>body</c> or <c>button</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>For buttons: <c>quick_reply</c>, <c>url</c>, <c>flow</c>, <c>copy_code</c>, <c>CATALOG</c>, ...</summary>
    [JsonPropertyName("sub_type")]
    public string? SubType { get; init; }

    /// <summary>For buttons: the 0-based button position. Meta accepts a string or a number; it is always written as a string.</summary>
    [JsonPropertyName("index")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Index { get; init; }

    /// <summary>The parameters, in the order of the template's variables.</summary>
    [JsonPropertyName("parameters")]
    public IReadOnlyList<TemplateParameter>? Parameters { get; init; }

    /// <summary>A header component with the given parameter (text or media).</summary>
    public static TemplateComponent Header(TemplateParameter parameter) => new() { Type = "header", Parameters = [parameter] };

    /// <summary>A body component with the given parameters.</summary>
    public static TemplateComponent Body(params IEnumerable<TemplateParameter> parameters) =>
        new() { Type = "body", Parameters = parameters.ToList() };

    /// <summary>A body component whose parameters are all plain text.</summary>
    public static TemplateComponent Body(params IEnumerable<string> texts) =>
        new() { Type = "body", Parameters = texts.Select(TemplateParameter.FromText).ToList() };

    /// <summary>A quick-reply button component at <paramref name="index"/> with the payload echoed back when tapped.</summary>
    public static TemplateComponent QuickReplyButton(int index, string payload) => new()
    {
        Type = "button",
        SubType = "quick_reply",
        Index = index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Parameters = [TemplateParameter.FromPayload(payload)],
    };

    /// <summary>A URL button component at <paramref name="index"/> with the dynamic URL suffix.</summary>
    public static TemplateComponent UrlButton(int index, string urlSuffix) => new()
    {
        Type = "button",
        SubType = "url",
        Index = index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Parameters = [TemplateParameter.FromText(urlSuffix)],
    };
}
