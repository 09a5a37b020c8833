namespace Evertoken.Server.Cli;

/// <summary>Writes log lines to the CLI's standard error (a <see cref="TextWriter"/>, so tests can read them).</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock _gate = new();

    private TextWriter Writer => writer;

    private LogLevel Minimum => minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriterLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{Level(logLevel)}: {category}: {formatter(state, exception)}";
            lock (owner._gate)
            {
                owner.Writer.WriteLine(line);
                if (exception is not null)
                {
                    // Only the type and message: stack traces are for --verbose bug reports, and messages never hold tokens.
                    owner.Writer.WriteLine($"      {exception.GetType().Name}: {exception.Message}");
                }
            }
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
