using Evertoken.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// The app secrets a webhook signature may be checked against: <see cref="WebhookReceiverOptions.AppSecrets"/> and the
/// secrets of the apps in the token store (when there is one). Cached, because the store decrypts each secret; a
/// signature that matches none reloads once, at most once a second, so an app added a moment ago is honoured without
/// letting bad requests hammer the store.
/// </summary>
internal sealed class WebhookSecretCache(IOptions<WebhookReceiverOptions> options, IServiceProvider services, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinReloadGap = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>The secrets, reloaded when the cache is older than a minute, or when <paramref name="reload"/> and the
    /// last load is more than a second old.</summary>
    public async ValueTask<IReadOnlyList<string>> GetAsync(bool reload, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } current && !IsStale(current, now, reload))
        {
            return current.Secrets;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_snapshot is { } fresh && !IsStale(fresh, now, reload))
            {
                return fresh.Secrets;
            }

            var secrets = new List<string>(options.Value.AppSecrets.Where(s => !string.IsNullOrEmpty(s)));
            if (services.GetService<ITokenStore>() is { } store)
            {
                foreach (var app in await store.ListAppsAsync(ct).ConfigureAwait(false))
                {
                    if (!string.IsNullOrEmpty(app.AppSecret) && !secrets.Contains(app.AppSecret, StringComparer.Ordinal))
                    {
                        secrets.Add(app.AppSecret);
                    }
                }
            }

            _snapshot = new Snapshot(secrets, time.GetUtcNow());
            return secrets;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool IsStale(Snapshot snapshot, DateTimeOffset now, bool reload) =>
        now - snapshot.LoadedAt >= CacheFor || now < snapshot.LoadedAt || (reload && now - snapshot.LoadedAt >= MinReloadGap);

    private sealed record Snapshot(IReadOnlyList<string> Secrets, DateTimeOffset LoadedAt);
}
