using Evertoken.Alerts;
using Evertoken.Sinks;
using Evertoken.Sinks.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.Tests.Sinks;

public sealed class SinkRegistrationTests
{
    [Fact]
    public async Task The_services_resolve_and_alerts_reach_the_log_channel()
    {
        await using var provider = new ServiceCollection().AddSinksAndAlerts().BuildServiceProvider(validateScopes: true);

        var factory = provider.GetRequiredService<SinkFactory>();
        var dispatcher = provider.GetRequiredService<SinkDispatcher>();
        var alerts = provider.GetRequiredService<AlertManager>();

        provider.GetServices<IAlertChannel>().ShouldHaveSingleItem().ShouldBeOfType<LogAlertChannel>();
        factory.Create(new SinkDefinition { Name = "env", Type = "dotenv", Settings = new Dictionary<string, string> { ["path"] = "/tmp/x.env" } })
            .Sink.ShouldBeOfType<DotEnvFileSink>();
        dispatcher.Statuses.ShouldBeEmpty();
        (await alerts.RaiseAsync(AlertKind.RefreshFailed, "shop", AlertCause.Outage, "503", cancellationToken: TestContext.Current.CancellationToken))
            .ShouldNotBeNull();
    }
}
