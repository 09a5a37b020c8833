namespace Evertoken.Hosting;

/// <summary>A token declared in configuration: added to the store at start when it is not there yet.</summary>
public sealed class TokenDefinition
{
    /// <summary>The name, e.g. <c>main</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The Meta app id.</summary>
    public string? AppId { get; set; }

    /// <summary>The app secret (stored encrypted; needed for renewals and appsecret_proof).</summary>
    public string? AppSecret { get; set; }

    /// <summary>The initial token value.</summary>
    public string? Token { get; set; }

    /// <summary>A <c>.env</c> file to import the token (and APP_ID / APP_SECRET / WHATSAPP_PHONE_NUMBER_ID) from, when
    /// <see cref="Token"/> is not set.</summary>
    public string? ImportFromDotEnv { get; set; }

    /// <summary>The WhatsApp phone number id.</summary>
    public string? PhoneNumberId { get; set; }

    /// <summary>The WhatsApp business account id.</summary>
    public string? WabaId { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"TokenDefinition {{ {Name}, app {AppId} }}";
}
