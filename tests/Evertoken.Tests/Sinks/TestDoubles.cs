using System.Collections.Concurrent;
using System.Diagnostics;
using Evertoken.Alerts;
using Evertoken.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.Tests.Sinks;

/// <summary>A FakeTimeProvider that tells the test which waits were asked for, so it can advance exactly by them.</summary>
internal sealed class ObservingTimeProvider : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _requested = new();

    public ObservingTimeProvider()
        : base(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero))
    {
    }

    public List<TimeSpan> AllRequested { get; } = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Register the timer before announcing the wait: advancing first would leave it due in the future for ever.
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (AllRequested)
            {
                AllRequested.Add(dueTime);
            }

            _requested.Enqueue(dueTime);
        }

        return timer;
    }

    /// <summary>Runs the clock until <paramref name="task"/> completes: each requested wait is advanced exactly.</summary>
    public async Task<T> DriveAsync<T>(Task<T> task)
    {
        var watch = Stopwatch.StartNew(); // real time, only a guard against a hang
        while (!task.IsCompleted)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException("The task did not complete.");
            }

            if (_requested.TryDequeue(out var wait))
            {
                Advance(wait);
            }
            else
            {
                await Task.WhenAny(task, Task.Delay(5));
            }
        }

        return await task;
    }
}

/// <summary>A sink that answers from a script and records when it was called.</summary>
internal sealed class ScriptedSink(TimeProvider time, params SinkResult[] script) : ITokenSink
{
    private int _calls;

    public ConcurrentQueue<DateTimeOffset> Calls { get; } = new();

    public Exception? Throw { get; init; }

    public string Describe => "scripted:test";

    public Task<SinkResult> PushAsync(TokenPush push, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(time.GetUtcNow());
        if (Throw is not null)
        {
            throw Throw;
        }

        var index = Interlocked.Increment(ref _calls) - 1;
        return Task.FromResult(script[Math.Min(index, script.Length - 1)]);
    }
}

/// <summary>An alert channel that keeps what it was given.</summary>
internal sealed class RecordingChannel : IAlertChannel
{
    public ConcurrentQueue<Alert> Alerts { get; } = new();

    public string Describe => "recording";

    public Task<bool> SendAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        Alerts.Enqueue(alert);
        return Task.FromResult(true);
    }
}

/// <summary>A logger that keeps every formatted line (and exception text) for assertions.</summary>
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

    public static TokenPush Push(long version = 3, string value = Value, string? phoneNumberId = null) => new()
    {
        Name = "wedding-matcher",
        Version = version,
        Value = value,
        Kind = Evertoken.Tokens.TokenKind.SystemUser,
        ExpiresAt = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
        PhoneNumberId = phoneNumberId,
    };
}
