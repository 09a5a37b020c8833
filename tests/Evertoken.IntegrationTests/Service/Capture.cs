using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Evertoken.IntegrationTests.Service;

/// <summary>Keeps every HTTP exchange a test client made with the service: request line, response status, headers and body.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new HttpClientHandler())
{
    public ConcurrentQueue<string> Exchanges { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var text = new StringBuilder()
            .Append(request.Method).Append(' ').Append(request.RequestUri).Append(" -> ").Append((int)response.StatusCode).Append('\n');
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            text.Append(header.Key).Append(": ").AppendJoin(", ", header.Value).Append('\n');
        }

        text.Append('\n').Append(await response.Content.ReadAsStringAsync(cancellationToken));
        Exchanges.Enqueue(text.ToString());
        return response;
    }
}

/// <summary>A logger provider that keeps every formatted line (category, level, message, exception, scopes' state).</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
