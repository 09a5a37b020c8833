using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.IntegrationTests.Sinks;

/// <summary>A small Kestrel app on 127.0.0.1 with a free port, for one test.</summary>
internal sealed class LoopbackApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The root, with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public static async Task<LoopbackApp> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LoopbackApp(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

/// <summary>A FakeTimeProvider that records the waits asked of it, so a test can advance exactly by them.</summary>
internal sealed class ObservingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero))
{
    private readonly ConcurrentQueue<TimeSpan> _requested = new();

    public ConcurrentQueue<TimeSpan> AllRequested { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Register the timer before announcing the wait: advancing first would leave it due in the future for ever.
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            AllRequested.Enqueue(dueTime);
            _requested.Enqueue(dueTime);
        }

        return timer;
    }

    /// <summary>Runs the clock until <paramref name="task"/> completes, advancing by each requested wait.</summary>
    public async Task<T> DriveAsync<T>(Task<T> task)
    {
        var watch = Stopwatch.StartNew(); // real time, only a guard against a hang
        while (!task.IsCompleted)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("The task did not complete.");
            }

            if (_requested.TryDequeue(out var wait))
            {
                Advance(wait);
            }
            else
            {
                await Task.WhenAny(task, Task.Delay(5, TestContext.Current.CancellationToken));
            }
        }

        return await task;
    }
}

/// <summary>A logger that keeps every formatted line for assertions.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
}

internal static class TestTokens
{
    public const string Value = "EAAGm0PX4ZCpsBAKZCw7vkZBxZBfZBbZBZCZCLONGLIVEDTOKENVALUE1234567890";

    public static Evertoken.Sinks.TokenPush Push(long version = 3, string value = Value) => new()
    {
        Name = "wedding-matcher",
        Version = version,
        Value = value,
        Kind = Evertoken.Tokens.TokenKind.SystemUser,
        ExpiresAt = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };
}
