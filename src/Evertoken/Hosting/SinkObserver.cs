using Evertoken.Sinks;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.Options;

namespace Evertoken.Hosting;

/// <summary>Pushes every new version to the token's configured sinks (with the dispatcher's retries and alerts).</summary>
public sealed class SinkObserver(SinkDispatcher dispatcher, SinkFactory factory, IOptions<EvertokenOptions> options) : ITokenObserver
{
    private readonly Lazy<IReadOnlyDictionary<string, NamedSink[]>> _sinks = new(() => options.Value.Sinks
        .GroupBy(s => s.Token, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Select(s => factory.Create(new SinkDefinition
        {
            Name = s.Name,
            Type = s.Type.ToLowerInvariant(),
            Settings = new Dictionary<string, string>(s.Settings, StringComparer.OrdinalIgnoreCase),
            Secrets = new Dictionary<string, string>(s.Secrets, StringComparer.OrdinalIgnoreCase),
        })).ToArray(), StringComparer.Ordinal));

    /// <summary>The sinks of a token.</summary>
    public IReadOnlyList<NamedSink> SinksOf(string token) => _sinks.Value.TryGetValue(token, out var sinks) ? sinks : [];

    /// <inheritdoc />
    public async Task OnRotatedAsync(ManagedToken token, TokenVersion previous, CancellationToken cancellationToken)
    {
        var sinks = SinksOf(token.Name);
        if (sinks.Count == 0)
        {
            return;
        }

        var push = new TokenPush
        {
            Name = token.Name,
            Version = token.Current.Number,
            Value = token.Current.Data.Value,
            Kind = token.Current.Data.Kind,
            ExpiresAt = token.Current.Data.ExpiresAt,
            PhoneNumberId = token.PhoneNumberId,
        };
        await dispatcher.PushAsync(push, sinks, cancellationToken).ConfigureAwait(false);
    }
}
