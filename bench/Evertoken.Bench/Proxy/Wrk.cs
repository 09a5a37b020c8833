using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Evertoken.Bench.Proxy;

/// <summary>One wrk run's numbers: requests per second and latency percentiles (ms).</summary>
internal sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Failures, double? P90Ms = null, double? P999Ms = null, double? MaxMs = null);

/// <summary>Runs <c>wrk --latency</c> and parses its report.</summary>
internal static partial class Wrk
{
    public static async Task<LoadResult> RunAsync(Uri url, BenchSettings settings, int seconds, string? bearer = null)
    {
        var info = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-t", settings.Threads.ToString(CultureInfo.InvariantCulture), "-c", settings.Connections.ToString(CultureInfo.InvariantCulture), "-d", $"{seconds}s", "--latency" })
        {
            info.ArgumentList.Add(arg);
        }

        if (bearer is not null)
        {
            info.ArgumentList.Add("-H");
            info.ArgumentList.Add("Authorization: Bearer " + bearer);
        }

        info.ArgumentList.Add(url.ToString());
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {errors}{output}");
        }

        return Parse(output);
    }

    public static LoadResult Parse(string output)
    {
        double Percentile(string p) => Duration(Regex.Match(output, $@"^\s+{p}%\s+(\S+)", RegexOptions.Multiline).Groups[1].Value);
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Non2xx().Match(output) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socket = SocketErrors().Match(output) is { Success: true } s
            ? s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;
        return new LoadResult(rps, Percentile("50"), Percentile("99"), requests, non2xx + socket, P90Ms: Percentile("90"));
    }

    /// <summary>wrk prints 812.00us, 1.23ms, 1.02s, 2.00m.</summary>
    private static double Duration(string text)
    {
        var match = DurationText().Match(text);
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            _ => double.NaN,
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"^([\d.]+)(us|ms|s|m)$")]
    private static partial Regex DurationText();
}
