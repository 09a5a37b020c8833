using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Evertoken.Emulator;
using Evertoken.Server.Api;
using Evertoken.Server.Cli;
using Evertoken.Server.Hosting;
using Evertoken.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Evertoken.Server.Commands;

/// <summary>
/// <c>evertoken sandbox</c>: the whole product on one machine with no Meta account: the emulator (with a sample world),
/// the service on its own data folder and the emulator's clock, a 60-day system-user token with three days left (so the
/// first worker pass rotates it), a <c>.env</c> sink, and a client key. Prints everything a person needs to try it.
/// </summary>
internal static class SandboxCommand
{
    public static Command Create(CliHost host)
    {
        var port = new Option<int>("--port") { Description = "Port of the service (the emulator takes the next one)", DefaultValueFactory = _ => 5000 };
        var speed = new Option<double>("--clock-speed") { Description = "How fast the shared clock runs (1 = real time; 86400 = a day per second)", DefaultValueFactory = _ => 1 };
        var command = new Command("sandbox", "Run the emulator and the service together with sample data: see a token rotate without a Meta account") { port, speed };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var servicePort = parse.GetValue(port);
            await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
            {
                Port = servicePort == 0 ? 0 : servicePort + 1,
                ClockSpeed = parse.GetValue(speed),
            }, ct);
            var sample = emulator.Sample;

            // A 60-day system-user token, then 57 days pass: the service finds it with 3 days left and renews it.
            var minted = emulator.State.MintToken(new TokenSpec
            {
                AppId = sample.AppId,
                Kind = EmulatorTokenKind.SystemUser,
                Lifetime = TokenLifetime.SixtyDays,
                Scopes = ["whatsapp_business_messaging", "whatsapp_business_management"],
                WabaIds = [sample.WabaId],
                UserId = sample.SystemUserId,
            });
            emulator.Clock.Advance(TimeSpan.FromDays(57));

            var data = ctx.DataDir ?? Path.Combine(Path.GetTempPath(), "evertoken-sandbox-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
            Directory.CreateDirectory(data);
            var envFile = Path.Combine(data, "app.env");
            await File.WriteAllTextAsync(envFile, $"# Your app's settings; Evertoken keeps WHATSAPP_ACCESS_TOKEN current.\nWHATSAPP_PHONE_NUMBER_ID={sample.PhoneNumberId}\nWHATSAPP_ACCESS_TOKEN=\n", ct);
            var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
            var adminKey = "eta_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

            await using var app = ServerApp.Build(new ServerSettings
            {
                Urls = $"http://127.0.0.1:{servicePort}",
                Time = emulator.Clock,
                Announce = TextWriter.Null,
                LogLevel = LogLevel.Warning,
                Config = new Dictionary<string, string?>
                {
                    ["DataFolder"] = data,
                    ["MasterKey:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                    ["Graph:BaseUrl"] = emulator.BaseUrl.ToString(),
                    ["Worker:Interval"] = "00:00:05",
                    ["Server:AdminPassword"] = password,
                    ["Server:AdminApiKey"] = adminKey,
                    ["Tokens:0:Name"] = "sandbox",
                    ["Tokens:0:Token"] = minted.AccessToken,
                    ["Tokens:0:AppId"] = sample.AppId,
                    ["Tokens:0:AppSecret"] = sample.AppSecret,
                    ["Tokens:0:PhoneNumberId"] = sample.PhoneNumberId,
                    ["Tokens:0:WabaId"] = sample.WabaId,
                    ["Sinks:0:Token"] = "sandbox",
                    ["Sinks:0:Name"] = "app-env",
                    ["Sinks:0:Type"] = "dotenv",
                    ["Sinks:0:Settings:path"] = envFile,
                    ["Webhooks:VerifyToken"] = "sandbox-verify",
                    ["Webhooks:AppSecrets:0"] = sample.AppSecret,
                },
            });
            await app.StartAsync(ct);
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            var clientKey = await ClientKeysApi.CreateKeyAsync(new CreateClientKeyRequest("sandbox-app", ["proxy", "send", "read-token"], ["sandbox"]),
                app.Services.GetRequiredService<IClientKeyStore>(), app.Services.GetRequiredService<ITokenStore>(), "sandbox", emulator.Clock, ct);

            var o = ctx.Host.Out;
            o.WriteLine("Evertoken sandbox is running (Ctrl+C to stop).");
            o.WriteLine();
            o.WriteLine($"  dashboard          {url}/   (admin password: {password})");
            o.WriteLine($"  API                {url}/v1/tokens   (Authorization: Bearer {adminKey})");
            o.WriteLine($"  OpenAPI            {url}/openapi/v1.json");
            o.WriteLine($"  Graph proxy        {url}/graph/v25.0/{sample.PhoneNumberId}   (Authorization: Bearer <client key>)");
            o.WriteLine($"  client key         {clientKey.Key}   (proxy, send, read-token on 'sandbox')");
            o.WriteLine($"  health / metrics   {url}/readyz   {url}/metrics");
            o.WriteLine($"  emulator           {emulator.BaseUrl}   (control API: {emulator.BaseUrl}_emulator/)");
            o.WriteLine($"  data folder        {data}");
            o.WriteLine($"  .env sink          {envFile}");
            o.WriteLine();
            o.WriteLine("The token 'sandbox' is a 60-day system-user token with 3 days left: the first worker pass (within 5 s) renews it,");
            o.WriteLine("writes version 2 to the store and the new value to the .env file above. To see the next rotation, move the shared clock:");
            o.WriteLine($"  curl -X POST {emulator.BaseUrl}_emulator/clock/advance -H 'content-type: application/json' -d '{{\"seconds\":{(int)TimeSpan.FromDays(41).TotalSeconds}}}'");
            o.WriteLine($"  curl -H 'Authorization: Bearer {adminKey}' {url}/v1/tokens");
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Clock speed: {parse.GetValue(speed)}x."));
            o.Flush();

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Ok;
        });
        return command;
    }
}
