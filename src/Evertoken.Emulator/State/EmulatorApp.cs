namespace Evertoken.Emulator;

/// <summary>A Meta app known to the emulator.</summary>
public sealed class EmulatorApp
{
    internal EmulatorApp(string id, string secret, string name)
    {
        Id = id;
        Secret = secret;
        Name = name;
    }

    /// <summary>The app id (a 15-16 digit number as a string).</summary>
    public string Id { get; }

    /// <summary>The app secret (32 lowercase hex characters, like Meta's).</summary>
    public string Secret { get; }

    /// <summary>The app's display name (<c>application</c> in <c>debug_token</c>).</summary>
    public string Name { get; }

    /// <summary>
    /// The App Dashboard's "Require App Secret" switch: when on, every Graph call made with one of this app's user,
    /// Page or system-user tokens must carry a valid <c>appsecret_proof</c>. Default false.
    /// </summary>
    public bool RequireAppSecretProof { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"app {Id} ({Name})";
}
