namespace Evertoken.Emulator.Internal;

/// <summary>
/// A host lifetime that leaves Ctrl+C and SIGTERM alone: the emulator runs inside tests, the sandbox and its own
/// small Program, and each of those decides when to stop it.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
