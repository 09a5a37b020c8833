namespace Evertoken.Storage;

/// <summary>A managed token: its name, app, current version and health.</summary>
public sealed record ManagedToken
{
    /// <summary>The unique name.</summary>
    public required string Name { get; init; }

    /// <summary>The Meta app id, when known.</summary>
    public string? AppId { get; init; }

    /// <summary>The WhatsApp phone number id, when known.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The WhatsApp business account id, when known.</summary>
    public string? WabaId { get; init; }

    /// <summary>The current version.</summary>
    public required TokenVersion Current { get; init; }

    /// <summary>The health fields.</summary>
    public TokenHealth Health { get; init; } = new();

    /// <summary>Free-form settings JSON (sinks, policy overrides).</summary>
    public string? SettingsJson { get; init; }

    /// <summary>When the token was added.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"ManagedToken {{ {Name}, app {AppId}, {Current}, {Health.Status} }}";
}
