using System.CommandLine;
using System.CommandLine.Parsing;
using Evertoken.Server.Commands;
using Evertoken.Tokens;

namespace Evertoken.Server.Cli;

/// <summary>The <c>evertoken</c> command tree.</summary>
public static class EvertokenCli
{
    /// <summary>Builds the root command for a host.</summary>
    public static RootCommand Build(CliHost host)
    {
        var root = new RootCommand("Evertoken keeps Meta WhatsApp Cloud API tokens alive: inspect, diagnose, rotate, store and serve them.")
        {
            InspectCommand.Create(host),
            DoctorCommand.Create(host),
            ExchangeCommand.Create(host),
            AppTokenCommand.Create(host),
            SystemUserCommand.Create(host),
            TokenCommands.Create(host),
            EmulatorCommand.Create(host),
            ServeCommand.Create(host),
            SandboxCommand.Create(host),
            SendCommand.Create(host),
            WebhooksCommands.Create(host),
        };
        foreach (var option in GlobalOptions.All)
        {
            root.Options.Add(option);
        }

        return root;
    }

    /// <summary>Parses and runs; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        var parse = Build(host).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // System.CommandLine echoes stray arguments back ("Unrecognized command or argument '...'"): a token pasted
            // in the wrong place would land in a CI log. Print the errors ourselves, with such values fingerprinted.
            foreach (var error in parse.Errors)
            {
                host.Error.WriteLine($"error: {MaskSecrets(error.Message, args)}");
            }

            host.Error.WriteLine($"See '{CommandPath(parse.CommandResult)} --help'.");
            return Task.FromResult(ExitCodes.UsageError);
        }

        return parse.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Error }, cancellationToken);
    }

    private static string MaskSecrets(string message, string[] args)
    {
        foreach (var arg in args.Where(a => a.Length >= 20 && !a.StartsWith('-') && a.All(c => char.IsAsciiLetterOrDigit(c) || c is '|' or '_' or '-')))
        {
            message = message.Replace(arg, TokenFingerprint.Of(arg), StringComparison.Ordinal);
        }

        return message;
    }

    private static string CommandPath(CommandResult? result)
    {
        var names = new Stack<string>();
        for (; result?.Parent is CommandResult parent; result = parent)
        {
            names.Push(result.Command.Name);
        }

        names.Push("evertoken");
        return string.Join(' ', names);
    }
}
