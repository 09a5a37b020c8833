using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>
/// <c>dotnet Evertoken.Server.dll serve</c> as a child process (the build output of src/Evertoken.Server in the same
/// configuration as the tests), configured through <c>EVERTOKEN__</c> variables; killed (-9) on dispose if alive.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static ServerProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerDll());
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits until <c>/healthz</c> answers.</summary>
    public async Task WaitReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"evertoken serve exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("/healthz", ct);
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, $"evertoken serve on {BaseUrl} to be ready", TimeSpan.FromSeconds(120));
    }

    /// <summary>SIGKILL: no shutdown code runs, sockets are closed by the kernel.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ServerDll()
    {
        // tests/Evertoken.IntegrationTests/bin/<Configuration>/net10.0/ → src/Evertoken.Server/bin/<Configuration>/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Evertoken.slnx")))
        {
            root = root.Parent;
        }

        var dll = root is null ? null : Path.Combine(root.FullName, "src", "Evertoken.Server", "bin", configuration, output.Name, "Evertoken.Server.dll");
        return dll is not null && File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"Build src/Evertoken.Server ({configuration}) first: {dll ?? "no Evertoken.slnx above " + output.FullName} is missing.");
    }
}
