namespace Evertoken.Storage;

/// <summary>A token to add to the store as version 1.</summary>
public sealed record NewManagedToken
{
    /// <summary>The unique name, e.g. <c>wedding-matcher</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The Meta app the token belongs to, when known.</summary>
    public string? AppId { get; init; }

    /// <summary>The WhatsApp phone number id the token is used with, when known.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The WhatsApp business account id, when known.</summary>
    public string? WabaId { get; init; }

    /// <summary>The first version's value and facts.</summary>
    public required TokenVersionData Version { get; init; }

    /// <summary>Free-form settings as JSON (sinks, refresh policy overrides); no secrets in clear here.</summary>
    public string? SettingsJson { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"NewManagedToken {{ Name = {Name}, AppId = {AppId}, Version = {Version} }}";
}
