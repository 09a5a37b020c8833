namespace Evertoken.Sinks;

/// <summary>
/// A place a new token is pushed to after each rotation (a <c>.env</c> file, a Netlify variable, a signed webhook).
/// Implementations report failures as <see cref="SinkResult"/> values; the dispatcher retries and alerts. A failing
/// sink never fails the rotation.
/// </summary>
public interface ITokenSink
{
    /// <summary>A short description for the API and logs, e.g. <c>dotenv:/srv/app/.env</c> (no secrets).</summary>
    string Describe { get; }

    /// <summary>Pushes one version.</summary>
    Task<SinkResult> PushAsync(TokenPush push, CancellationToken cancellationToken = default);
}
