using System.Net;
using System.Net.NetworkInformation;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// Tells whether a relay target is this service itself: same port as one of its listening addresses, a host that is
/// (or may be) this machine, and a path under <c>/v1</c>, <c>/graph</c> or <c>/webhooks</c>. Forwarding there would
/// store and relay the same payload forever. Errs on the side of refusing.
/// </summary>
internal static class SelfAddressGuard
{
    private static readonly string[] ServicePaths = ["/v1", "/graph", "/webhooks"];

    public static bool PointsAtSelf(Uri target, IEnumerable<Uri> ownAddresses)
    {
        if (!target.IsAbsoluteUri || !ServicePaths.Any(p => IsUnder(target.AbsolutePath, p)))
        {
            return false;
        }

        foreach (var own in ownAddresses)
        {
            if (own.IsAbsoluteUri && own.Port == target.Port && own.Port != 0 && SameMachineHost(target.Host, own.Host))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a Kestrel URL list (<c>http://127.0.0.1:5000;http://*:8080</c>); wildcards become 0.0.0.0.</summary>
    public static IReadOnlyList<Uri> ParseUrls(string? urls)
    {
        var result = new List<Uri>();
        foreach (var part in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = part.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                result.Add(uri);
            }
        }

        return result;
    }

    private static bool IsUnder(string path, string prefix) =>
        path.Equals(prefix, StringComparison.OrdinalIgnoreCase)
        || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase);

    private static bool SameMachineHost(string targetHost, string ownHost)
    {
        if (string.Equals(targetHost, ownHost, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var ownIsAny = IPAddress.TryParse(ownHost.Trim('[', ']'), out var ownIp) && (ownIp.Equals(IPAddress.Any) || ownIp.Equals(IPAddress.IPv6Any));
        return (ownIsAny || IsLocal(ownHost)) && IsLocal(targetHost);
    }

    private static bool IsLocal(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.Equals(Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            return false;
        }

        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Any(a => a.Address.Equals(ip));
        }
        catch (NetworkInformationException)
        {
            return false;
        }
    }
}
