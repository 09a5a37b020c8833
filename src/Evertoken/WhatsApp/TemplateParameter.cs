using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>
/// One template parameter: <see cref="Type"/> names which of the other properties carries the value
/// (<c>text</c>, <c>currency</c>, <c>date_time</c>, <c>image</c>, <c>video</c>, <c>document</c>, <c>payload</c>,
/// <c>action</c>, <c>coupon_code</c>).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TemplateParameter
{
    /// <summary>The parameter type.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>For templates with named variables: the variable name.</summary>
    [JsonPropertyName("parameter_name")]
    public string? ParameterName { get; init; }

    /// <summary>The value of a <c>text</c> parameter.</summary>
    [JsonPropertyName("text")]
    public string? Text { get; init; }

    /// <summary>The value of a <c>currency</c> parameter.</summary>
    [JsonPropertyName("currency")]
    public TemplateCurrency? Currency { get; init; }

    /// <summary>The value of a <c>date_time</c> parameter.</summary>
    [JsonPropertyName("date_time")]
    public TemplateDateTime? DateTime { get; init; }

    /// <summary>The value of an <c>image</c> parameter.</summary>
    [JsonPropertyName("image")]
    public MediaObject? Image { get; init; }

    /// <summary>The value of a <c>video</c> parameter.</summary>
    [JsonPropertyName("video")]
    public MediaObject? Video { get; init; }

    /// <summary>The value of a <c>document</c> parameter.</summary>
    [JsonPropertyName("document")]
    public MediaObject? Document { get; init; }

    /// <summary>The value of a <c>payload</c> parameter (quick-reply buttons).</summary>
    [JsonPropertyName("payload")]
    public string? Payload { get; init; }

    /// <summary>The value of a <c>coupon_code</c> parameter (copy-code buttons).</summary>
    [JsonPropertyName("coupon_code")]
    public string? CouponCode { get; init; }

    /// <summary>The value of an <c>action</c> parameter (flow and catalog buttons).</summary>
    [JsonPropertyName("action")]
    public TemplateAction? Action { get; init; }

    /// <summary>A <c>text</c> parameter.</summary>
    public static TemplateParameter FromText(string text) => new() { Type = "text", Text = text };

    /// <summary>A <c>payload</c> parameter.</summary>
    public static TemplateParameter FromPayload(string payload) => new() { Type = "payload", Payload = payload };

    /// <summary>A <c>currency</c> parameter; <paramref name="amount1000"/> is the amount times 1000 (100990 = 100.99).</summary>
    public static TemplateParameter FromCurrency(string fallbackValue, string code, long amount1000) =>
        new() { Type = "currency", Currency = new TemplateCurrency { FallbackValue = fallbackValue, Code = code, Amount1000 = amount1000 } };

    /// <summary>A <c>date_time</c> parameter given by its display text.</summary>
    public static TemplateParameter FromDateTime(string fallbackValue) =>
        new() { Type = "date_time", DateTime = new TemplateDateTime { FallbackValue = fallbackValue } };

    /// <summary>An <c>image</c> parameter.</summary>
    public static TemplateParameter FromImage(MediaObject image) => new() { Type = "image", Image = image };

    /// <summary>A <c>video</c> parameter.</summary>
    public static TemplateParameter FromVideo(MediaObject video) => new() { Type = "video", Video = video };

    /// <summary>A <c>document</c> parameter.</summary>
    public static TemplateParameter FromDocument(MediaObject document) => new() { Type = "document", Document = document };
}
