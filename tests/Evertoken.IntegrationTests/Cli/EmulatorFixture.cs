using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Cli;

/// <summary>
/// One emulator shared by the tests of a class. Tests that share it only mint their own tokens to break; a test that
/// moves the clock starts its own emulator.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private EmulatorHost? _emulator;

    /// <summary>The running emulator.</summary>
    public EmulatorHost Emulator => _emulator ?? throw new InvalidOperationException("The fixture has not started yet.");

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
