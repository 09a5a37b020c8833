using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Evertoken.IntegrationTests.Service;

/// <summary><c>evertoken serve</c> as a child process (the built Evertoken.Server.dll), so a test can kill it with SIGKILL.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestService.AdminKey);
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public static async Task<ServeProcess> StartAsync(Uri graphUrl, string dataFolder, string masterKey)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Evertoken.Server.dll"), "serve",
            "--urls", $"http://127.0.0.1:{port}", "--data-dir", dataFolder, "--graph-url", graphUrl.ToString(),
            $"--Server:AdminApiKey={TestService.AdminKey}", "--Server:RunRefreshWorker=false",
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["EVERTOKEN_MASTER_KEY"] = masterKey;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var served = new ServeProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        await Eventually.TrueAsync(async () =>
        {
            process.HasExited.ShouldBeFalse("evertoken serve exited at start");
            try
            {
                using var response = await served.Http.GetAsync("healthz", TestService.Ct);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "evertoken serve answers /healthz", TimeSpan.FromSeconds(60));
        return served;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(TestService.Ct);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
