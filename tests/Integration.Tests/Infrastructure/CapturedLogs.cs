using System.Collections.Concurrent;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps every line the host's filters let through (category, level, message, exception),
/// to assert what an operator would see in the logs.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public sealed record Line(string Category, LogLevel Level, string Message, Exception? Exception);

    private readonly ConcurrentQueue<Line> _lines = new();

    public IReadOnlyList<Line> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._lines.Enqueue(new Line(category, logLevel, formatter(state, exception), exception));
    }
}
