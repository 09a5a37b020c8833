namespace Evertoken.Graph;

/// <summary>Where the Graph API is and which version to call.</summary>
public sealed class GraphOptions
{
    /// <summary>The Graph base URL. Default <c>https://graph.facebook.com/</c>; point it at the emulator for tests.</summary>
    public Uri BaseUrl { get; set; } = new("https://graph.facebook.com/");

    /// <summary>The API version segment. Default <c>v25.0</c>.</summary>
    public string Version { get; set; } = "v25.0";

    /// <summary>Timeout of one Graph call. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Send the time-stamped form of <c>appsecret_proof</c> (with <c>appsecret_time</c>). Default false: the classic
    /// form, which every API version accepts.
    /// </summary>
    public bool UseTimestampedProof { get; set; }
}
