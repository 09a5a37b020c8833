using System.CommandLine;
using Evertoken.Storage;

namespace Evertoken.Server.Cli;

/// <summary>Runs a command's work with the shared error handling: one clear line and a documented exit code, no stack trace.</summary>
internal static class CommandRunner
{
    public static void SetAction(this Command command, CliHost host, Func<CliContext, ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction((parseResult, ct) => RunAsync(parseResult, host, action, ct));

    private static async Task<int> RunAsync(ParseResult parseResult, CliHost host, Func<CliContext, ParseResult, CancellationToken, Task<int>> action, CancellationToken ct)
    {
        CliContext context;
        try
        {
            context = new CliContext(parseResult, host);
        }
        catch (UsageException e)
        {
            host.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.UsageError;
        }

        using var owned = context;
        try
        {
            return await action(context, parseResult, ct).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            context.WriteError(e.Message);
            return ExitCodes.UsageError;
        }
        catch (KeyNotFoundException e)
        {
            // The keeper's "No managed token named 'x'." for a name that is not in the store.
            context.WriteError(e.Message);
            return ExitCodes.UsageError;
        }
        catch (MasterKeyException e)
        {
            context.WriteError(e.Message);
            return ExitCodes.UsageError;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            context.WriteError("cancelled");
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            // Expected environmental failures (a file that cannot be written, a name that exists): one line.
            context.WriteError(e.Message);
            return ExitCodes.UsageError;
        }
    }
}
