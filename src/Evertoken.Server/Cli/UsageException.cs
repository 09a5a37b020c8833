namespace Evertoken.Server.Cli;

/// <summary>A user error (a missing token, a bad option value): printed as one line, exit code 1, no stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);
