using System.Globalization;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// Route constraints given as objects, so the emulator needs no constraint registration in its host (a slim
/// builder has no regex constraint).
/// </summary>
internal static class GraphRouteConstraints
{
    /// <summary>A <c>vNN.N</c> version segment.</summary>
    public static readonly IRouteConstraint Version = new Predicate(s =>
        s.Length >= 4 && s[0] == 'v' && s[1..].Split('.') is [var major, var minor]
        && IsDigits(major) && IsDigits(minor));

    /// <summary>A numeric Graph object id (apps, businesses, system users, WABAs, phone numbers).</summary>
    public static readonly IRouteConstraint NumericId = new Predicate(IsDigits);

    private static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    private sealed class Predicate(Func<string, bool> test) : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            values.TryGetValue(routeKey, out var value) && Convert.ToString(value, CultureInfo.InvariantCulture) is { } text && test(text);
    }
}
