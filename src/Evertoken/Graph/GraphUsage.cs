using System.Net.Http.Headers;
using System.Text.Json;
using Evertoken.Graph.Internal;

namespace Evertoken.Graph;

/// <summary>
/// The rate-limit usage Meta reports in response headers, once an app makes enough calls to be measured:
/// <c>X-App-Usage</c> (platform limits) and <c>X-Business-Use-Case-Usage</c> (business use case limits, which win when
/// both apply). https://developers.facebook.com/docs/graph-api/overview/rate-limiting
/// </summary>
/// <param name="App">The parsed <c>X-App-Usage</c>, or null when absent.</param>
/// <param name="BusinessUseCase">The parsed <c>X-Business-Use-Case-Usage</c>: business object id → usage entries;
/// empty when absent.</param>
public sealed record GraphUsage(AppUsage? App, IReadOnlyDictionary<string, IReadOnlyList<BusinessUseCaseUsage>> BusinessUseCase)
{
    /// <summary>The <c>X-App-Usage</c> header name.</summary>
    public const string AppUsageHeader = "X-App-Usage";

    /// <summary>The <c>X-Business-Use-Case-Usage</c> header name.</summary>
    public const string BusinessUseCaseUsageHeader = "X-Business-Use-Case-Usage";

    /// <summary>The highest percentage in either header (0 when nothing was reported). Meta may throttle at 100.</summary>
    public int HighestPercent =>
        Math.Max(App?.HighestPercent ?? 0, BusinessUseCase.Values.SelectMany(v => v).Select(u => u.HighestPercent).DefaultIfEmpty(0).Max());

    /// <summary>The longest <c>estimated_time_to_regain_access</c> among the business use cases; zero when none is throttled.</summary>
    public TimeSpan RegainAccessIn =>
        BusinessUseCase.Values.SelectMany(v => v).Select(u => u.EstimatedTimeToRegainAccess).DefaultIfEmpty(TimeSpan.Zero).Max();

    /// <summary>
    /// Parses the two header values (each a JSON string). Returns null when neither is present or readable; a header
    /// that is not valid JSON is ignored rather than thrown on, since usage is advisory.
    /// </summary>
    public static GraphUsage? Parse(string? appUsage, string? businessUseCaseUsage)
    {
        var app = TryRead(appUsage, GraphJsonContext.Default.AppUsage);
        var buc = TryRead(businessUseCaseUsage, GraphJsonContext.Default.DictionaryStringListBusinessUseCaseUsage);
        if (app is null && buc is null)
        {
            return null;
        }

        var byObject = buc?.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<BusinessUseCaseUsage>)kv.Value.AsReadOnly(), StringComparer.Ordinal)
            ?? new Dictionary<string, IReadOnlyList<BusinessUseCaseUsage>>(StringComparer.Ordinal);
        return new GraphUsage(app, byObject);
    }

    /// <summary>Reads the usage headers of a response; null when there are none.</summary>
    internal static GraphUsage? From(HttpResponseHeaders headers) =>
        Parse(First(headers, AppUsageHeader), First(headers, BusinessUseCaseUsageHeader));

    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static T? TryRead<T>(string? json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
