using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>date_time</c> value of a template parameter. Meta renders <see cref="FallbackValue"/>; the
/// component fields are optional.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TemplateDateTime
{
    /// <summary>The text shown, e.g. <c>February 25, 1977</c>.</summary>
    [JsonPropertyName("fallback_value")]
    public string? FallbackValue { get; init; }

    /// <summary>Calendar, e.g. <c>GREGORIAN</c>.</summary>
    [JsonPropertyName("calendar")]
    public string? Calendar { get; init; }

    /// <summary>Day of the month.</summary>
    [JsonPropertyName("day_of_month")]
    public int? DayOfMonth { get; init; }

    /// <summary>Day of the week (1 = Monday ... 7 = Sunday).</summary>
    [JsonPropertyName("day_of_week")]
    public int? DayOfWeek { get; init; }

    /// <summary>Hour of the day.</summary>
    [JsonPropertyName("hour")]
    public int? Hour { get; init; }

    /// <summary>Minute.</summary>
    [JsonPropertyName("minute")]
    public int? Minute { get; init; }

    /// <summary>Month.</summary>
    [JsonPropertyName("month")]
    public int? Month { get; init; }

    /// <summary>Year.</summary>
    [JsonPropertyName("year")]
    public int? Year { get; init; }
}
