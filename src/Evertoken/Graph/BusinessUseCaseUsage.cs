using System.Text.Json.Serialization;

namespace Evertoken.Graph;

/// <summary>
/// One entry of the <c>X-Business-Use-Case-Usage</c> header (business use case limits, used with system-user and Page
/// tokens). Percentages of the allowance; https://developers.facebook.com/docs/graph-api/overview/rate-limiting
/// </summary>
/// <param name="Type"><c>type</c>, e.g. <c>pages</c>, <c>ads_management</c>.</param>
/// <param name="CallCount"><c>call_count</c>, percent.</param>
/// <param name="TotalCpuTime"><c>total_cputime</c>, percent.</param>
/// <param name="TotalTime"><c>total_time</c>, percent.</param>
/// <param name="EstimatedTimeToRegainAccessMinutes"><c>estimated_time_to_regain_access</c>, in minutes (0 when not throttled).</param>
/// <param name="AdsApiAccessTier"><c>ads_api_access_tier</c>; only on the ads types.</param>
public sealed record BusinessUseCaseUsage(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("call_count")] int CallCount,
    [property: JsonPropertyName("total_cputime")] int TotalCpuTime,
    [property: JsonPropertyName("total_time")] int TotalTime,
    [property: JsonPropertyName("estimated_time_to_regain_access")] int EstimatedTimeToRegainAccessMinutes,
    [property: JsonPropertyName("ads_api_access_tier")] string? AdsApiAccessTier)
{
    /// <summary>The highest of the three percentages.</summary>
    [JsonIgnore]
    public int HighestPercent => Math.Max(CallCount, Math.Max(TotalTime, TotalCpuTime));

    /// <summary><see cref="EstimatedTimeToRegainAccessMinutes"/> as a time span.</summary>
    [JsonIgnore]
    public TimeSpan EstimatedTimeToRegainAccess => TimeSpan.FromMinutes(EstimatedTimeToRegainAccessMinutes);
}
