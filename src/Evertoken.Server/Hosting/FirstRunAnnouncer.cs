using Evertoken.Server.Auth;

namespace Evertoken.Server.Hosting;

/// <summary>Prints the generated admin key and password once, at the first start, on the console (never through the log).</summary>
internal sealed class FirstRunAnnouncer(AdminCredentials admin, TextWriter output) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (key, password) = admin.Generated;
        if (key is not null || password is not null)
        {
            output.WriteLine("First start: Evertoken generated admin credentials. They are shown only now; store them safely.");
            if (key is not null)
            {
                output.WriteLine($"  admin API key:  {key}");
            }

            if (password is not null)
            {
                output.WriteLine($"  admin password: {password}");
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
