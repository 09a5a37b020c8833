namespace Evertoken.Sinks;

/// <summary>Settings of a <see cref="WebhookSink"/>.</summary>
public sealed class WebhookSinkOptions
{
    /// <summary>Where to POST; an absolute http or https URL. Required.</summary>
    public Uri? Url { get; set; }

    /// <summary>The HMAC secret shared with the receiver (see <see cref="WebhookSinkSignature"/>). Required.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>
    /// Put the token value itself in the body (<c>"value"</c>). Default false: the receiver only learns that a new
    /// version exists (name, version, fingerprint) and fetches it through the API with its client key.
    /// </summary>
    public bool IncludeValue { get; set; }

    /// <summary>Timeout of one request. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these settings, in words; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("The webhook sink needs an absolute http or https URL.");
        }

        if (string.IsNullOrEmpty(Secret))
        {
            problems.Add("The webhook sink needs an HMAC secret to sign its requests.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            problems.Add("The webhook sink's timeout must be positive.");
        }

        return problems;
    }
}
