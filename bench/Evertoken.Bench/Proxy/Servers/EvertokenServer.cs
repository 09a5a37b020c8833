using System.Security.Cryptography;
using Evertoken.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Evertoken.Bench.Proxy.Servers;

/// <summary>
/// A real <c>evertoken serve</c> (<see cref="ServerApp"/>) with a SQLite store in a temp folder, managing one token
/// whose app secret is known (so every proxied call carries an appsecret_proof), Graph pointed at the upstream.
/// </summary>
internal static class EvertokenServer
{
    public static async Task<int> RunAsync(Uri upstream)
    {
        var data = Directory.CreateTempSubdirectory("evertoken-bench-");
        try
        {
            var app = ServerApp.Build(new ServerSettings
            {
                Urls = "http://127.0.0.1:0",
                Announce = TextWriter.Null,
                LogLevel = LogLevel.Warning,
                Config = new Dictionary<string, string?>
                {
                    ["DataFolder"] = data.FullName,
                    ["MasterKey:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                    ["Graph:BaseUrl"] = upstream.ToString(),
                    ["Server:AdminApiKey"] = BenchData.AdminKey,
                    ["Server:AdminPassword"] = "bench-password-0123",
                    ["Server:RunRefreshWorker"] = "false",
                    ["Tokens:0:Name"] = BenchData.TokenName,
                    ["Tokens:0:Token"] = BenchData.NewToken(),
                    ["Tokens:0:AppId"] = BenchData.AppId,
                    ["Tokens:0:AppSecret"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                    ["Tokens:0:PhoneNumberId"] = BenchData.PhoneNumberId,
                },
            });
            return await ServeLoop.RunAsync(app);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
