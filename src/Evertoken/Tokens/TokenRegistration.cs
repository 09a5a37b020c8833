namespace Evertoken.Tokens;

/// <summary>A token to register: its value and, when known, its app and WhatsApp number.</summary>
public sealed record TokenRegistration
{
    /// <summary>The name.</summary>
    public required string Name { get; init; }

    /// <summary>The value.</summary>
    public required string Value { get; init; }

    /// <summary>The Meta app id.</summary>
    public string? AppId { get; init; }

    /// <summary>The app secret; stored encrypted with the app.</summary>
    public string? AppSecret { get; init; }

    /// <summary>The WhatsApp phone number id.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The WhatsApp business account id.</summary>
    public string? WabaId { get; init; }

    /// <summary>Ask Meta about the token first (kind, expiry, app). Default true.</summary>
    public bool Check { get; init; } = true;

    /// <summary>Where it came from, for the history: <c>added</c> or <c>imported</c>.</summary>
    public string Source { get; init; } = "added";

    /// <inheritdoc />
    public override string ToString() => $"TokenRegistration {{ {Name}, {TokenFingerprint.Of(Value)}, app {AppId} }}";

    /// <summary>Reads a registration from <c>.env</c>-style variables (WHATSAPP_ACCESS_TOKEN, ACCESS_TOKEN,
    /// SYSTEM_USER_ACCESS_TOKEN, APP_ID, APP_SECRET, WHATSAPP_PHONE_NUMBER_ID / PHONE_NUMBER_ID). Returns null when no token variable is set.</summary>
    public static TokenRegistration? FromVariables(string name, IReadOnlyDictionary<string, string> variables)
    {
        string? Get(params string[] keys) => keys.Select(k => variables.TryGetValue(k, out var v) && v.Length > 0 ? v : null).FirstOrDefault(v => v is not null);
        var value = Get("WHATSAPP_ACCESS_TOKEN", "ACCESS_TOKEN", "SYSTEM_USER_ACCESS_TOKEN");
        return value is null ? null : new TokenRegistration
        {
            Name = name,
            Value = value,
            AppId = Get("APP_ID", "WHATSAPP_APP_ID"),
            AppSecret = Get("APP_SECRET", "WHATSAPP_APP_SECRET"),
            PhoneNumberId = Get("WHATSAPP_PHONE_NUMBER_ID", "PHONE_NUMBER_ID"),
            WabaId = Get("WHATSAPP_BUSINESS_ACCOUNT_ID", "WABA_ID"),
            Source = "imported",
        };
    }
}
