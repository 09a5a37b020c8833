using Evertoken.Server.Cli;

return await EvertokenCli.RunAsync(args, CliHost.FromProcess());
