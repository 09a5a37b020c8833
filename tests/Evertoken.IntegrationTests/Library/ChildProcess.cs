using System.Diagnostics;
using System.Text;

namespace Evertoken.IntegrationTests.Library;

/// <summary>
/// A <c>dotnet</c> child process with its output captured, killed (with its children) on dispose. Used to run the
/// samples and the packaged tool the way a person does.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>stdout and stderr so far, interleaved as they came.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The dotnet host running the tests (the SDK sets DOTNET_HOST_PATH), else dotnet on the PATH.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails with the output so far when the process
    /// ends first or the deadline passes.</summary>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan deadline)
    {
        var until = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
                Assert.Fail($"The process exited ({_process.ExitCode}) before writing '{text}'. Output:\n{Output}");
            }

            if (until.Elapsed > deadline)
            {
                Assert.Fail($"No '{text}' after {deadline.TotalSeconds} s. Output:\n{Output}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return Output;
    }

    /// <summary>Waits for the process to end; fails with its output after <paramref name="deadline"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"The process did not end within {deadline.TotalSeconds} s. Output:\n{Output}");
        }

        // The asynchronous readers may still hold the last lines.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>Where the repository and the build outputs are, seen from the test assembly.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding <c>Evertoken.slnx</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration the tests were built in (Debug, Release), read from the output path.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The build output folder of a project, e.g. <c>samples/MinimalApi/bin/Release/net10.0</c>.</summary>
    public static string OutputOf(string projectFolder) =>
        Path.Combine(Root, projectFolder, "bin", Configuration, new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Evertoken.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Evertoken.slnx above {AppContext.BaseDirectory}.");
    }
}
