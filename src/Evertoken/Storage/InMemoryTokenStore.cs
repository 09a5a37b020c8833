using Evertoken.Storage.Internal;
using Evertoken.Tokens;

namespace Evertoken.Storage;

/// <summary>
/// An <see cref="ITokenStore"/> that keeps everything in process memory, for apps that want the refresh logic without
/// a database, and for tests. Secrets are held in clear in memory (never written anywhere) and are lost when the process
/// ends. Same semantics as the SQL stores: the same exceptions, compare-and-swap versions, newest-first lists, times in
/// UTC to the millisecond. Thread-safe.
/// </summary>
public sealed class InMemoryTokenStore : ITokenStore
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredApp> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenEntry> _tokens = new(StringComparer.Ordinal);
    private readonly List<AuditEntry> _audit = [];

    /// <summary>Creates an empty store.</summary>
    /// <param name="timeProvider">The clock for created times. Default: <see cref="TimeProvider.System"/>.</param>
    public InMemoryTokenStore(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    /// <remarks>Nothing to do: there is no schema and no key.</remarks>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task UpsertAppAsync(StoredApp app, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckApp(app);
        lock (_gate)
        {
            _apps[app.AppId] = app;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<StoredApp?> GetAppAsync(string appId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        lock (_gate)
        {
            return Task.FromResult(_apps.GetValueOrDefault(appId));
        }
    }

    /// <inheritdoc />
    /// <remarks>Ordered by app id.</remarks>
    public Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredApp>>(_apps.Values.OrderBy(a => a.AppId, StringComparer.Ordinal).ToList());
        }
    }

    /// <inheritdoc />
    public Task<ManagedToken> AddTokenAsync(NewManagedToken token, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckNewToken(token);
        var now = StoreTime.Normalize(_time.GetUtcNow());
        lock (_gate)
        {
            if (_tokens.ContainsKey(token.Name))
            {
                throw StoreErrors.DuplicateToken(token.Name);
            }

            var entry = new TokenEntry
            {
                Name = token.Name,
                AppId = token.AppId,
                PhoneNumberId = token.PhoneNumberId,
                WabaId = token.WabaId,
                SettingsJson = token.SettingsJson,
                CreatedAt = now,
            };
            entry.Versions.Add(NewVersion(1, token.Version, now));
            _tokens.Add(token.Name, entry);
            return Task.FromResult(entry.ToManagedToken());
        }
    }

    /// <inheritdoc />
    public Task<ManagedToken?> GetTokenAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        lock (_gate)
        {
            return Task.FromResult(_tokens.TryGetValue(name, out var entry) ? entry.ToManagedToken() : null);
        }
    }

    /// <inheritdoc />
    /// <remarks>Ordered by name.</remarks>
    public Task<IReadOnlyList<ManagedToken>> ListTokensAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ManagedToken>>(
                _tokens.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => t.ToManagedToken()).ToList());
        }
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    public Task<ManagedToken?> AddVersionAsync(string name, long expectedCurrentVersion, TokenVersionData version, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        StoreErrors.CheckVersion(version);
        var now = StoreTime.Normalize(_time.GetUtcNow());
        lock (_gate)
        {
            var entry = Find(name);
            if (entry.CurrentNumber != expectedCurrentVersion)
            {
                return Task.FromResult<ManagedToken?>(null);
            }

            entry.Versions.Add(NewVersion(expectedCurrentVersion + 1, version, now));
            return Task.FromResult<ManagedToken?>(entry.ToManagedToken());
        }
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    public Task UpdateHealthAsync(string name, TokenHealth health, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        ArgumentNullException.ThrowIfNull(health);
        // Through JSON like the SQL stores, so a caller keeps no reference into the store and gets the same values back.
        var stored = health with
        {
            LastCheckedAt = StoreTime.Normalize(health.LastCheckedAt),
            Info = StorageJson.Deserialize(StorageJson.Serialize(health.Info)),
        };
        lock (_gate)
        {
            Find(name).Health = stored;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    public Task<IReadOnlyList<TokenVersion>> GetHistoryAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<TokenVersion>>(Find(name).Versions.AsEnumerable().Reverse().ToList());
        }
    }

    /// <inheritdoc />
    public Task UpdateVersionFactsAsync(string name, long version, TokenKind kind, DateTimeOffset? issuedAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        lock (_gate)
        {
            var entry = Find(name);
            var index = entry.Versions.FindIndex(v => v.Number == version);
            if (index < 0)
            {
                throw StoreErrors.UnknownVersion(name, version);
            }

            var v = entry.Versions[index];
            entry.Versions[index] = v with { Data = v.Data with { Kind = kind, IssuedAt = StoreTime.Normalize(issuedAt), ExpiresAt = StoreTime.Normalize(expiresAt) } };
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name, or it has no such version.</exception>
    public Task MarkRevokedAsync(string name, long version, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        lock (_gate)
        {
            var entry = Find(name);
            var index = entry.Versions.FindIndex(v => v.Number == version);
            if (index < 0)
            {
                throw StoreErrors.UnknownVersion(name, version);
            }

            entry.Versions[index] = entry.Versions[index] with { RevokedAt = StoreTime.Normalize(revokedAt) };
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>The token's audit entries stay.</remarks>
    public Task<bool> RemoveTokenAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        lock (_gate)
        {
            return Task.FromResult(_tokens.Remove(name));
        }
    }

    /// <inheritdoc />
    /// <remarks>The entry's <see cref="AuditEntry.Id"/> is ignored; the store numbers entries in append order from 1.</remarks>
    public Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckAudit(entry);
        lock (_gate)
        {
            _audit.Add(entry with { Id = _audit.Count + 1, At = StoreTime.Normalize(entry.At) });
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>All entries or none: they are checked first, then appended under one lock.</remarks>
    public Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            StoreErrors.CheckAudit(entry);
        }

        lock (_gate)
        {
            foreach (var entry in entries)
            {
                _audit.Add(entry with { Id = _audit.Count + 1, At = StoreTime.Normalize(entry.At) });
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Newest first means in reverse append order, whatever the entries' times.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 100, string? tokenName = null, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckLimit(limit);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AuditEntry>>(_audit
                .AsEnumerable()
                .Reverse()
                .Where(e => tokenName is null || e.TokenName == tokenName)
                .Take(limit)
                .ToList());
        }
    }

    /// <inheritdoc />
    /// <remarks>Nothing is encrypted in memory: always 0.</remarks>
    public Task<int> ReencryptAllAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);

    private TokenEntry Find(string name) => _tokens.TryGetValue(name, out var entry) ? entry : throw StoreErrors.UnknownToken(name);

    private static TokenVersion NewVersion(long number, TokenVersionData data, DateTimeOffset now) => new()
    {
        Number = number,
        Data = data with { IssuedAt = StoreTime.Normalize(data.IssuedAt), ExpiresAt = StoreTime.Normalize(data.ExpiresAt) },
        CreatedAt = now,
    };

    /// <summary>The mutable state of one token, only touched under the store's lock.</summary>
    private sealed class TokenEntry
    {
        public required string Name { get; init; }

        public string? AppId { get; init; }

        public string? PhoneNumberId { get; init; }

        public string? WabaId { get; init; }

        public string? SettingsJson { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public TokenHealth Health { get; set; } = new();

        public List<TokenVersion> Versions { get; } = [];

        public long CurrentNumber => Versions[^1].Number;

        public ManagedToken ToManagedToken() => new()
        {
            Name = Name,
            AppId = AppId,
            PhoneNumberId = PhoneNumberId,
            WabaId = WabaId,
            Current = Versions[^1],
            Health = Health,
            SettingsJson = SettingsJson,
            CreatedAt = CreatedAt,
        };
    }
}
