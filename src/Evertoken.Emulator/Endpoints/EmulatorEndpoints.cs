using Evertoken.Emulator.Endpoints;

namespace Evertoken.Emulator;

/// <summary>Maps the emulator onto any ASP.NET Core host.</summary>
public static class EmulatorEndpoints
{
    /// <summary>
    /// Maps the Graph endpoints (versioned <c>/vNN.N/...</c> and unversioned) and the control API (<c>/_emulator/</c>)
    /// for <paramref name="state"/>.
    /// </summary>
    /// <param name="endpoints">The host's route builder.</param>
    /// <param name="state">The world to serve.</param>
    /// <param name="configureGraph">Adds more Graph endpoints (they get the same fault injection and call recording).</param>
    /// <returns><paramref name="endpoints"/>, for chaining.</returns>
    public static IEndpointRouteBuilder MapEmulator(this IEndpointRouteBuilder endpoints, EmulatorState state, Action<GraphRouteGroup>? configureGraph = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(state);

        var graph = new GraphRouteGroup(endpoints, state);
        TokenEndpoints.Map(graph);
        OAuthEndpoints.Map(graph);
        SystemUserEndpoints.Map(graph);
        WhatsAppAccountEndpoints.Map(graph);
        MessageEndpoints.Map(graph);
        configureGraph?.Invoke(graph);

        ControlEndpoints.Map(endpoints, state);
        WebhookEndpoints.Map(endpoints, state);
        InboundEndpoints.Map(endpoints, state);

        // Webhook deliveries run in the background for as long as the host does.
        state.Messaging.Dispatcher.Start(endpoints.ServiceProvider.GetService<IHostApplicationLifetime>());
        return endpoints;
    }
}
