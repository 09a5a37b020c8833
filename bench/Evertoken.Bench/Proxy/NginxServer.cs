using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Evertoken.Bench.Proxy;

/// <summary>nginx as a reverse proxy to the upstream, from a temp nginx.conf, run in the foreground as our child.</summary>
internal static class NginxServer
{
    public static async Task<(ChildServer Server, DirectoryInfo Folder)> StartAsync(Uri upstream)
    {
        var folder = Directory.CreateTempSubdirectory("evertoken-bench-nginx-");
        var port = FreePort();
        var conf = Path.Combine(folder.FullName, "nginx.conf");
        var p = folder.FullName;
        await File.WriteAllTextAsync(conf, $$"""
            worker_processes auto;
            pid {{p}}/nginx.pid;
            error_log {{p}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{p}}/body;
                proxy_temp_path {{p}}/proxy;
                fastcgi_temp_path {{p}}/fastcgi;
                uwsgi_temp_path {{p}}/uwsgi;
                scgi_temp_path {{p}}/scgi;
                upstream graph { server {{upstream.Host}}:{{upstream.Port}}; keepalive 64; }
                server {
                    listen 127.0.0.1:{{port}};
                    location /graph/ {
                        proxy_pass http://graph/;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }
                }
            }
            """);
        var info = new ProcessStartInfo(ProxyBench.Which("nginx") ?? "nginx") { ArgumentList = { "-p", p, "-c", conf, "-g", "daemon off;" } };
        var server = await ChildServer.StartAsync("nginx", info, new Uri($"http://127.0.0.1:{port}/"));
        return (server, folder);
    }

    /// <summary>Asks nginx to stop (QUIT, then the child is reaped by <see cref="ChildServer.DisposeAsync"/>).</summary>
    public static void Stop(ChildServer server)
    {
        using var quit = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-QUIT", server.Pid.ToString(CultureInfo.InvariantCulture) } });
        quit?.WaitForExit();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
