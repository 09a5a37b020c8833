using System.Text.Json.Serialization;

namespace Evertoken.Graph;

/// <summary>
/// The <c>X-App-Usage</c> header: each value is a percentage of the app's allowance over a rolling hour; Meta may
/// throttle once any reaches 100. https://developers.facebook.com/docs/graph-api/overview/rate-limiting
/// </summary>
/// <param name="CallCount"><c>call_count</c>, percent.</param>
/// <param name="TotalTime"><c>total_time</c>, percent.</param>
/// <param name="TotalCpuTime"><c>total_cputime</c>, percent.</param>
public sealed record AppUsage(
    [property: JsonPropertyName("call_count")] int CallCount,
    [property: JsonPropertyName("total_time")] int TotalTime,
    [property: JsonPropertyName("total_cputime")] int TotalCpuTime)
{
    /// <summary>The highest of the three percentages.</summary>
    [JsonIgnore]
    public int HighestPercent => Math.Max(CallCount, Math.Max(TotalTime, TotalCpuTime));
}
