using Evertoken.Graph;
using Evertoken.Storage;

namespace Evertoken.Tokens;

/// <summary>
/// Hears what happens to tokens (the sinks, the alerts, the metrics listen here). The keeper calls observers after
/// its own work is durable, on a background task: an observer can be slow or fail without delaying a caller or
/// undoing a rotation.
/// </summary>
public interface ITokenObserver
{
    /// <summary>A new version is stored and served. <paramref name="previous"/> is the version it replaced.</summary>
    Task OnRotatedAsync(ManagedToken token, TokenVersion previous, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A renewal failed; the old version is still served.</summary>
    Task OnRefreshFailedAsync(ManagedToken token, GraphError error, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A health check finished (status may or may not have changed).</summary>
    Task OnCheckedAsync(ManagedToken token, TokenStatus previousStatus, TokenCheckOutcome outcome, CancellationToken cancellationToken) => Task.CompletedTask;
}
