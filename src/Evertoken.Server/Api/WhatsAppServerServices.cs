using Evertoken.Hosting;
using Evertoken.Server.Hosting;
using Evertoken.WhatsApp;
using Evertoken.WhatsApp.Internal;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Evertoken.Server.Api;

/// <summary>
/// Wires messaging and webhooks into <c>evertoken serve</c> from configuration: <c>Messaging:*</c> (throttle),
/// <c>Webhooks:VerifyToken</c>, <c>Webhooks:AppSecrets</c>, <c>Webhooks:MaxBodyBytes</c>, <c>Webhooks:Inbox:*</c>,
/// <c>Webhooks:Relay:N:*</c> (targets) and <c>Webhooks:Retry:*</c> (relay timing).
/// </summary>
public static class WhatsAppServerServices
{
    /// <summary>Adds the sender, the inbox, the relay and the receiver's services.</summary>
    public static EvertokenBuilder AddWhatsAppServer(this EvertokenBuilder builder, IConfiguration configuration, ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(settings);
        builder
            .AddWhatsAppMessaging(o => configuration.GetSection("Messaging").Bind(o))
            .AddWebhookInbox(o => configuration.GetSection("Webhooks:Inbox").Bind(o))
            .AddWebhooks(o => configuration.GetSection("Webhooks").Bind(o))
            .AddWebhookRelay(o =>
            {
                configuration.GetSection("Webhooks:Retry").Bind(o);
                o.Targets = configuration.GetSection("Webhooks:Relay").Get<List<WebhookRelayTarget>>() ?? [];
                foreach (var own in SelfAddressGuard.ParseUrls(settings.Urls))
                {
                    o.OwnAddresses.Add(own);
                }
            });

        var services = builder.Services;
        services.TryAddSingleton<TokenDirectory>();
        services.AddHostedService<RelayLoopGuard>();
        return builder;
    }

    /// <summary>Once the server is bound (port 0 is only known then), disables relay targets that point back at it.</summary>
    private sealed class RelayLoopGuard(IHostApplicationLifetime lifetime, IServer server, WebhookRelay relay) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() =>
            {
                var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                _ = relay.DisableLoopingTargetsAsync(SelfAddressGuard.ParseUrls(string.Join(';', addresses)), CancellationToken.None);
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
