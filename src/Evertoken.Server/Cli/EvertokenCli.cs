using System.CommandLine;
using Evertoken.Server.Commands;

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
        return parse.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Error }, cancellationToken);
    }
}
