using System.Diagnostics;
using System.Globalization;

namespace Evertoken.Bench.Proxy;

/// <summary>A server process started by the bench: its address, and its peak RSS (VmHWM) with its own children.</summary>
internal sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ChildServer(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public int Pid => _process.Id;

    /// <summary>Starts this bench executable in a <c>--serve-xxx</c> mode and waits for its <c>LISTENING</c> line.</summary>
    public static Task<ChildServer> StartBenchModeAsync(string name, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { WorkingDirectory = AppContext.BaseDirectory };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        // `evertoken serve` is built with Sdk.Web, which turns server GC on; every .NET server here runs the same way.
        info.Environment["DOTNET_gcServer"] = "1";
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return StartAsync(name, info, url: null);
    }

    /// <summary>Starts any server whose address is known in advance; ready once <paramref name="url"/> accepts TCP.</summary>
    public static Task<ChildServer> StartAsync(string name, ProcessStartInfo info, Uri? url)
    {
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
        var child = new ChildServer(name, process);
        return child.WaitReadyAsync(url);
    }

    private async Task<ChildServer> WaitReadyAsync(Uri? url)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (_lastLines)
            {
                _lastLines.Enqueue(line);
                if (_lastLines.Count > 20)
                {
                    _lastLines.Dequeue();
                }
            }

            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(line["LISTENING ".Length..]));
            }
        }

        _process.OutputDataReceived += OnLine;
        _process.ErrorDataReceived += OnLine;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            BaseUrl = url is null ? await listening.Task.WaitAsync(timeout.Token) : await WaitForTcpAsync(url, timeout.Token);
            return this;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            await DisposeAsync();
            throw new InvalidOperationException($"{Name} did not start: {string.Join(" | ", _lastLines)}", e);
        }
    }

    private async Task<Uri> WaitForTcpAsync(Uri url, CancellationToken ct)
    {
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}.");
            }

            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(url.Host, url.Port, ct);
                return url;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    /// <summary>Peak resident set (VmHWM) of the process and its child processes (nginx workers), in MiB.</summary>
    public double PeakRssMiB()
    {
        long total = 0;
        foreach (var pid in new[] { _process.Id }.Concat(ChildrenOf(_process.Id)))
        {
            total += VmHwmKiB(pid);
        }

        return total / 1024.0;
    }

    /// <summary>CPU time (user + system) the process and its child processes have used so far.</summary>
    public TimeSpan CpuTime()
    {
        long ticks = 0;
        foreach (var pid in new[] { _process.Id }.Concat(ChildrenOf(_process.Id)))
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat))
            {
                continue;
            }

            // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
            var text = File.ReadAllText(stat);
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }

        // USER_HZ is 100 on Linux.
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            : [];
    }

    private static long VmHwmKiB(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return 0;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Our servers stop on stdin EOF; anything else (nginx) is stopped by its own owner first or killed here.
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        _process.Dispose();
    }
}
