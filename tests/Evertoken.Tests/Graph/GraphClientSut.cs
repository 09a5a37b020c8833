using Evertoken.Graph;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.Tests.Graph;

/// <summary>Builds a <see cref="GraphClient"/> over a <see cref="StubGraphHandler"/>.</summary>
internal static class GraphClientSut
{
    /// <summary>2026-11-01T00:00:00Z, the fake clock's start.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static GraphClient Create(StubGraphHandler handler, FakeTimeProvider? time = null, Action<GraphOptions>? configure = null)
    {
        var options = new GraphOptions { BaseUrl = GraphTestData.BaseUrl, Version = "v25.0" };
        configure?.Invoke(options);
        return new GraphClient(new HttpClient(handler), Options.Create(options), time ?? new FakeTimeProvider(Start));
    }
}
