using System.CommandLine;
using Evertoken.Server.Cli;
using Evertoken.Server.Hosting;

namespace Evertoken.Server.Commands;

/// <summary><c>evertoken serve</c>: the token service (API, proxy, webhooks, dashboard, workers).</summary>
internal static class ServeCommand
{
    public static Command Create(CliHost host)
    {
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var command = new Command("serve", "Run the token service: renewals, sinks, alerts, the /v1 API, the /graph proxy, webhooks and the dashboard") { urls };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var config = new Dictionary<string, string?>();
            if (ctx.DataDir is { } data)
            {
                config["DataFolder"] = data;
            }

            if (parse.GetValue(GlobalOptions.GraphUrl) is { } graph)
            {
                config["Graph:BaseUrl"] = graph;
            }

            await using var app = ServerApp.Build(new ServerSettings
            {
                Args = [.. parse.UnmatchedTokens],
                Urls = parse.GetValue(urls)!,
                Config = config,
                Announce = ctx.Host.Out,
            });
            await app.RunAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
