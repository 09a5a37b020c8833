using System.Text;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>
/// Drops the parameters that carry a credential from a query string, keeping every other parameter in its original
/// order and encoding: the app's own <c>access_token</c> (Evertoken supplies the token) and any
/// <c>appsecret_proof</c>/<c>appsecret_time</c> (they would not match the managed token).
/// </summary>
internal static class QueryFilter
{
    private static readonly string[] Stripped = ["access_token", "appsecret_proof", "appsecret_time"];

    public static QueryString StripCredentials(QueryString query)
    {
        var value = query.Value;
        // Fast path for the usual query; a percent sign may hide an encoded name (access%5Ftoken), so look closer.
        if (string.IsNullOrEmpty(value) || (!value.Contains('%') && !MentionsStripped(value)))
        {
            return query;
        }

        var kept = new StringBuilder(value.Length);
        foreach (var pair in value.AsSpan(1).Split('&'))
        {
            var part = value.AsSpan(1)[pair];
            if (part.IsEmpty)
            {
                continue;
            }

            var equals = part.IndexOf('=');
            var name = Uri.UnescapeDataString((equals < 0 ? part : part[..equals]).ToString().Replace('+', ' '));
            if (Stripped.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            kept.Append(kept.Length == 0 ? '?' : '&').Append(part);
        }

        return kept.Length == 0 ? QueryString.Empty : new QueryString(kept.ToString());
    }

    // A loop rather than LINQ: this runs on every proxied call and should not allocate.
    private static bool MentionsStripped(string value)
    {
        foreach (var name in Stripped)
        {
            if (value.Contains(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
