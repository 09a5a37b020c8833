using Evertoken.Hosting.Internal;
using Evertoken.Sinks;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Evertoken.Hosting;

/// <summary>At start: opens (migrates) the store, so a wrong master key stops the host at once, adds the tokens
/// declared in configuration that the store does not have yet (several instances starting at once add each one once),
/// and warns about HttpClients whose token is missing.</summary>
internal sealed partial class EvertokenInitializer(
    ITokenStore store,
    TokenRegistrar registrar,
    IOptions<EvertokenOptions> options,
    IEnumerable<HandlerTokenName> handlerTokens,
    ILogger<EvertokenInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        foreach (var definition in options.Value.Tokens)
        {
            if (await store.GetTokenAsync(definition.Name, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            var registration = definition.Token is { Length: > 0 } value
                ? new TokenRegistration { Name = definition.Name, Value = value, AppId = definition.AppId, AppSecret = definition.AppSecret, PhoneNumberId = definition.PhoneNumberId, WabaId = definition.WabaId, Source = "configured" }
                : TokenRegistration.FromVariables(definition.Name, DotEnvReader.Read(definition.ImportFromDotEnv!))
                    ?? throw new InvalidOperationException($"Token '{definition.Name}': {definition.ImportFromDotEnv} has no WHATSAPP_ACCESS_TOKEN, ACCESS_TOKEN or SYSTEM_USER_ACCESS_TOKEN.");
            registration = registration with
            {
                AppId = definition.AppId ?? registration.AppId,
                AppSecret = definition.AppSecret ?? registration.AppSecret,
                PhoneNumberId = definition.PhoneNumberId ?? registration.PhoneNumberId,
                WabaId = definition.WabaId ?? registration.WabaId,
            };
            try
            {
                var added = await registrar.RegisterAsync(registration, "config", cancellationToken).ConfigureAwait(false);
                LogAdded(logger, added.Name, added.Current.Data.Fingerprint, added.Health.Status);
            }
            catch (InvalidOperationException)
            {
                // Instances of one deployment share the store and the configuration: another one added it meanwhile.
                if (await store.GetTokenAsync(definition.Name, cancellationToken).ConfigureAwait(false) is null)
                {
                    throw;
                }

                LogAddedElsewhere(logger, definition.Name);
            }
        }

        // Not an error: the token may be added later (CLI, API); until then those clients' requests fail.
        foreach (var handler in handlerTokens.DistinctBy(h => (h.TokenName, h.ClientName)))
        {
            if (await store.GetTokenAsync(handler.TokenName, cancellationToken).ConfigureAwait(false) is null)
            {
                LogMissingHandlerToken(logger, handler.ClientName, handler.TokenName);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Added configured token {Name} ({Fingerprint}), status {Status}")]
    private static partial void LogAdded(ILogger logger, string name, string fingerprint, TokenStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configured token {Name} was added by another instance sharing the store")]
    private static partial void LogAddedElsewhere(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The HttpClient '{Client}' uses the managed token '{Name}', which is not stored: its requests fail until the token is added")]
    private static partial void LogMissingHandlerToken(ILogger logger, string client, string name);
}
