using System.CommandLine;
using Evertoken.Emulator;
using Evertoken.Server.Cli;

namespace Evertoken.Server.Commands;

/// <summary><c>evertoken emulator --port N</c>: the offline Graph + WhatsApp emulator, with a sample world printed at start.</summary>
internal static class EmulatorCommand
{
    public static Command Create(CliHost host)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 = any free port)", DefaultValueFactory = _ => 5080 };
        var bind = new Option<string>("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var speed = new Option<double>("--clock-speed") { Description = "How fast the emulator's clock runs (1 = real time; 3600 = an hour a second)", DefaultValueFactory = _ => 1 };
        var command = new Command("emulator", "Run the offline emulator of Meta's Graph and WhatsApp Cloud API (control API under /_emulator/)") { port, bind, speed };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
            {
                Port = parse.GetValue(port),
                Host = parse.GetValue(bind) ?? "127.0.0.1",
                ClockSpeed = parse.GetValue(speed),
            }, ct);
            ctx.Host.Out.WriteLine($"Emulator listening on {emulator.BaseUrl}");
            ctx.Host.Out.WriteLine(emulator.Sample.Describe(emulator.BaseUrl));
            ctx.Host.Out.WriteLine("Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
