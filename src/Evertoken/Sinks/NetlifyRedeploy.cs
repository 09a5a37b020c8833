namespace Evertoken.Sinks;

/// <summary>How <see cref="NetlifyEnvSink"/> makes a new value live (a running deploy keeps the values it was built with).</summary>
public enum NetlifyRedeploy
{
    /// <summary>Only set the variable; the next deploy picks it up.</summary>
    None,

    /// <summary>Start a build with the API: <c>POST /sites/{site_id}/builds</c>. The default.</summary>
    Builds,

    /// <summary>Call a build hook URL (<c>POST https://api.netlify.com/build_hooks/{id}</c>, no token; the URL is the secret).</summary>
    BuildHook,
}
