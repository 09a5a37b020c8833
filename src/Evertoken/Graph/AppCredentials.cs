namespace Evertoken.Graph;

/// <summary>A Meta app's id and secret, for the calls that need them (token exchange, app token, revoke,
/// <c>appsecret_proof</c>). <see cref="ToString"/> never shows the secret.</summary>
/// <param name="AppId">The app id (a numeric string).</param>
/// <param name="AppSecret">The app secret (App Dashboard → App settings → Basic).</param>
/// <exception cref="ArgumentException">Either value is null, empty or white space.</exception>
public sealed record AppCredentials(string AppId, string AppSecret)
{
    /// <summary>The app id.</summary>
    public string AppId { get; init; } = string.IsNullOrWhiteSpace(AppId)
        ? throw new ArgumentException("The app id is required.", nameof(AppId))
        : AppId;

    /// <summary>The app secret. Never logged.</summary>
    public string AppSecret { get; init; } = string.IsNullOrWhiteSpace(AppSecret)
        ? throw new ArgumentException("The app secret is required.", nameof(AppSecret))
        : AppSecret;

    /// <inheritdoc />
    public override string ToString() => $"AppCredentials {{ AppId = {AppId}, AppSecret = *** }}";
}
