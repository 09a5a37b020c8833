using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Evertoken.Emulator;

/// <summary>Parses the standalone emulator's arguments.</summary>
internal static class EmulatorCommandLine
{
    public const string Usage = "usage: Evertoken.Emulator [--port N] [--host ADDRESS] [--clock-speed X] [--no-sample] [--log]";

    public static bool TryParse(string[] args, [NotNullWhen(true)] out EmulatorOptions? options, [NotNullWhen(false)] out string? problem)
    {
        options = new EmulatorOptions();
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--port" when int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535:
                    options.Port = port;
                    break;
                case "--host" when Next() is { } host:
                    options.Host = host;
                    break;
                case "--clock-speed" when double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && speed > 0:
                    options.ClockSpeed = speed;
                    break;
                case "--no-sample":
                    options.SeedSample = false;
                    break;
                case "--log":
                    options.EnableLogging = true;
                    break;
                default:
                    problem = $"Unknown or incomplete argument '{args[i]}'.";
                    options = null;
                    return false;
            }
        }

        return true;
    }
}
