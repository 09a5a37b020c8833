using System.Runtime.InteropServices;
using Evertoken.Emulator;

// Standalone emulator: `Evertoken.Emulator [--port N] [--host ADDRESS] [--clock-speed X] [--no-sample]`.
// Runs until Ctrl+C and prints the sample world (fake ids and tokens) so a developer can point a client at it.
if (!EmulatorCommandLine.TryParse(args, out var options, out var problem))
{
    Console.Error.WriteLine(problem);
    Console.Error.WriteLine(EmulatorCommandLine.Usage);
    return 1;
}

await using var host = await EmulatorHost.StartAsync(options);
Console.WriteLine($"Evertoken emulator listening on {host.BaseUrl} (control API: {host.BaseUrl}_emulator/)");
if (host.State.Sample is { } sample)
{
    Console.Write(sample.Describe(host.BaseUrl));
}

var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
await stop.Task;
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}
