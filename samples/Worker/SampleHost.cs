namespace Evertoken.Samples.Worker;

/// <summary>
/// A worker service: Evertoken renews the token in the background (<c>AddRefreshWorker</c>) and
/// <see cref="PhoneNumberWatcher"/> uses it on a schedule. Configuration is bound at the root, the same keys as
/// <c>evertoken serve</c> (<c>Graph:BaseUrl</c>, <c>Store</c>, <c>Tokens:0:*</c>), plus the <c>Watcher</c> section.
/// </summary>
public static class SampleHost
{
    /// <summary>The managed token the worker uses (<c>Tokens:0:Name</c> in appsettings.json).</summary>
    public const string TokenName = "main";

    /// <summary>Builds the host.</summary>
    public static IHost CreateHost(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);

        // Validated at start (every problem in one message); the refresh worker renews and checks tokens on schedule.
        builder.Services.AddEvertoken(builder.Configuration).AddRefreshWorker();

        // Reads go through a plain HttpClient with the token handler; sends through the typed CloudApiClient.
        builder.Services.AddHttpClient(PhoneNumberWatcher.GraphClientName)
            .ConfigureGraphBaseAddress()
            .AddEvertokenHandler(TokenName);
        builder.Services.AddEvertokenCloudApi(TokenName);

        builder.Services.AddOptions<WatcherOptions>()
            .Bind(builder.Configuration.GetSection(WatcherOptions.Section))
            .Validate(o => o.PhoneNumberId.Length > 0 && o.PhoneNumberId.All(char.IsAsciiDigit), "Watcher:PhoneNumberId must be Meta's numeric phone number id.")
            .Validate(o => o.Interval > TimeSpan.Zero, "Watcher:Interval must be positive.")
            .ValidateOnStart();
        builder.Services.AddHostedService<PhoneNumberWatcher>();
        return builder.Build();
    }
}
