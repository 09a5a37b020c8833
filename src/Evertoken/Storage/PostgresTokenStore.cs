using System.Data.Common;
using Evertoken.Storage.Internal;
using Evertoken.Tokens;
using Npgsql;

namespace Evertoken.Storage;

/// <summary>
/// An <see cref="ITokenStore"/> in a PostgreSQL database shared by several Evertoken instances, with every secret
/// encrypted by a <see cref="SecretProtector"/> (all instances need the same master key). Runs the same SQL as
/// <see cref="SqliteTokenStore"/> (<c>TokenStoreSql</c>) under READ COMMITTED: <see cref="AddVersionAsync"/> is a
/// compare-and-swap on the current version (a second writer re-checks the row once the first commits and updates
/// nothing). Every new current version and every removal is announced on the <c>evertoken_tokens</c> channel
/// (LISTEN/NOTIFY, payload = the token name) by a trigger, so each instance can drop its cached value.
/// Operations initialise the store on first use when <see cref="InitializeAsync"/> was not called.
/// </summary>
public sealed class PostgresTokenStore : ITokenStore, IDisposable, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _initializeLock = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates a store on a data source the caller owns (and disposes); nothing is opened yet.</summary>
    /// <param name="dataSource">The database; its connection string may set <c>Search Path</c> to keep the tables in a schema.</param>
    /// <param name="protector">Encrypts and decrypts the secrets.</param>
    /// <param name="timeProvider">The clock for created/updated times. Default: <see cref="TimeProvider.System"/>.</param>
    public PostgresTokenStore(NpgsqlDataSource dataSource, SecretProtector protector, TimeProvider? timeProvider = null)
        : this(dataSource, ownsDataSource: false, protector, timeProvider)
    {
    }

    /// <summary>Creates a store with its own connection pool on <paramref name="connectionString"/> (released by
    /// <see cref="Dispose"/>); nothing is opened yet.</summary>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    public PostgresTokenStore(string connectionString, SecretProtector protector, TimeProvider? timeProvider = null)
        : this(NpgsqlDataSource.Create(CheckConnectionString(connectionString)), ownsDataSource: true, protector, timeProvider)
    {
    }

    private PostgresTokenStore(NpgsqlDataSource dataSource, bool ownsDataSource, SecretProtector protector, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(protector);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _protector = protector;
        _time = timeProvider ?? TimeProvider.System;
        Description = PostgresSchema.Describe(dataSource.ConnectionString);
    }

    /// <summary>"PostgreSQL host:port/database": where the store is, without credentials.</summary>
    public string Description { get; }

    /// <summary>Creates a store with its own connection pool and initialises it (creating or migrating the schema).</summary>
    /// <exception cref="MasterKeyException">The protector's keys do not open this database.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public static async Task<PostgresTokenStore> OpenAsync(string connectionString, SecretProtector protector, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var store = new PostgresTokenStore(connectionString, protector, timeProvider);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Applies pending migrations in one transaction holding <c>pg_advisory_xact_lock</c> (so instances
    /// starting together migrate once, one after the other), and checks the master key against the stored canary
    /// (writing one on a new database).</remarks>
    /// <exception cref="MasterKeyException">The master key does not open this store.</exception>
    /// <exception cref="InvalidOperationException">The database was migrated by a newer Evertoken.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _initializeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await PostgresSchema.MigrateAsync(connection, transaction, Now(), Description, cancellationToken).ConfigureAwait(false);
            await CheckMasterKeyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        finally
        {
            _initializeLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task UpsertAppAsync(StoredApp app, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckApp(app);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, TokenStoreSql.UpsertApp)
            .With("@app_id", app.AppId)
            .With("@name", app.Name)
            .With("@secret_enc", app.AppSecret is null ? null : _protector.Protect(app.AppSecret, SecretPurpose.App(app.AppId)))
            .With("@now", Now());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MasterKeyException">The app secret cannot be decrypted (wrong key, altered row).</exception>
    public async Task<StoredApp?> GetAppAsync(string appId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, TokenStoreSql.SelectApp).With("@app_id", appId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadApp(reader) : null;
    }

    /// <inheritdoc />
    /// <remarks>Ordered by app id (byte order).</remarks>
    public async Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken = default)
    {
        var apps = new List<StoredApp>();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ReadAllAsync(Command(connection, null, TokenStoreSql.SelectApps), r => apps.Add(ReadApp(r)), cancellationToken).ConfigureAwait(false);
        return apps;
    }

    /// <inheritdoc />
    public async Task<ManagedToken> AddTokenAsync(NewManagedToken token, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckNewToken(token);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = Now();
        // ON CONFLICT DO NOTHING waits for a concurrent insert of the same name to commit, then inserts nothing.
        var inserted = await ExecuteAsync(Command(connection, transaction, TokenStoreSql.InsertToken)
            .With("@name", token.Name)
            .With("@app_id", token.AppId)
            .With("@phone_number_id", token.PhoneNumberId)
            .With("@waba_id", token.WabaId)
            .With("@version", 1L)
            .With("@status", nameof(TokenStatus.Unchecked))
            .With("@settings_json", token.SettingsJson)
            .With("@created_at", now), cancellationToken).ConfigureAwait(false);
        if (inserted == 0)
        {
            throw StoreErrors.DuplicateToken(token.Name);
        }

        await InsertVersionAsync(connection, transaction, token.Name, 1, token.Version, now, cancellationToken).ConfigureAwait(false);
        var stored = await ReadTokenAsync(connection, transaction, token.Name, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    /// <exception cref="MasterKeyException">The value cannot be decrypted (wrong key, altered row).</exception>
    public async Task<ManagedToken?> GetTokenAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadTokenAsync(connection, null, name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Ordered by name (byte order).</remarks>
    public async Task<IReadOnlyList<ManagedToken>> ListTokensAsync(CancellationToken cancellationToken = default)
    {
        var tokens = new List<ManagedToken>();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ReadAllAsync(Command(connection, null, TokenStoreSql.SelectTokens), r => tokens.Add(ReadToken(r)), cancellationToken).ConfigureAwait(false);
        return tokens;
    }

    /// <inheritdoc />
    /// <remarks>The UPDATE of the current version takes the row lock; a concurrent writer with the same expected
    /// version waits for this commit, re-evaluates its WHERE on the new row and updates nothing (READ COMMITTED).
    /// The commit notifies <c>evertoken_tokens</c>.</remarks>
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    public async Task<ManagedToken?> AddVersionAsync(string name, long expectedCurrentVersion, TokenVersionData version, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        StoreErrors.CheckVersion(version);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var newVersion = expectedCurrentVersion + 1;
        var swapped = await ExecuteAsync(Command(connection, transaction, TokenStoreSql.AdvanceVersion)
            .With("@name", name).With("@expected_version", expectedCurrentVersion).With("@new_version", newVersion), cancellationToken).ConfigureAwait(false);
        if (swapped == 0)
        {
            if (!await TokenExistsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))
            {
                throw StoreErrors.UnknownToken(name);
            }

            return null;
        }

        await InsertVersionAsync(connection, transaction, name, newVersion, version, Now(), cancellationToken).ConfigureAwait(false);
        var stored = await ReadTokenAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    public async Task UpdateHealthAsync(string name, TokenHealth health, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        ArgumentNullException.ThrowIfNull(health);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var updated = await ExecuteAsync(Command(connection, null, TokenStoreSql.UpdateHealth)
            .With("@name", name)
            .With("@status", health.Status.ToString())
            .With("@last_checked_at", StoreTime.ToDb(health.LastCheckedAt))
            .With("@last_error", health.LastError)
            .With("@info_json", StorageJson.Serialize(health.Info)), cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            throw StoreErrors.UnknownToken(name);
        }
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    /// <exception cref="MasterKeyException">A value cannot be decrypted (wrong key, altered row).</exception>
    public async Task<IReadOnlyList<TokenVersion>> GetHistoryAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        var versions = new List<TokenVersion>();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ReadAllAsync(Command(connection, null, TokenStoreSql.SelectHistory).With("@name", name), r => versions.Add(ReadVersion(r, name)), cancellationToken).ConfigureAwait(false);

        // A stored token always has at least version 1, so no rows means no token.
        return versions.Count > 0 ? versions : throw StoreErrors.UnknownToken(name);
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name, or it has no such version.</exception>
    public async Task UpdateVersionFactsAsync(string name, long version, TokenKind kind, DateTimeOffset? issuedAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var updated = await ExecuteAsync(Command(connection, null, TokenStoreSql.UpdateVersionFacts)
            .With("@name", name).With("@number", version).With("@kind", kind.ToString())
            .With("@issued_at", StoreTime.ToDb(issuedAt)).With("@expires_at", StoreTime.ToDb(expiresAt)), cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            throw await TokenExistsAsync(connection, null, name, cancellationToken).ConfigureAwait(false)
                ? StoreErrors.UnknownVersion(name, version)
                : StoreErrors.UnknownToken(name);
        }
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name, or it has no such version.</exception>
    public async Task MarkRevokedAsync(string name, long version, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var updated = await ExecuteAsync(Command(connection, null, TokenStoreSql.MarkRevoked)
            .With("@name", name).With("@number", version).With("@revoked_at", StoreTime.ToDb(revokedAt)), cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            throw await TokenExistsAsync(connection, null, name, cancellationToken).ConfigureAwait(false)
                ? StoreErrors.UnknownVersion(name, version)
                : StoreErrors.UnknownToken(name);
        }
    }

    /// <inheritdoc />
    /// <remarks>The token's audit entries stay. The commit notifies <c>evertoken_tokens</c>.</remarks>
    public async Task<bool> RemoveTokenAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(Command(connection, transaction, TokenStoreSql.DeleteVersions).With("@name", name), cancellationToken).ConfigureAwait(false);
        var removed = await ExecuteAsync(Command(connection, transaction, TokenStoreSql.DeleteToken).With("@name", name), cancellationToken).ConfigureAwait(false) > 0;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <inheritdoc />
    /// <remarks>The entry's <see cref="AuditEntry.Id"/> is ignored; the database numbers entries (identity column).</remarks>
    public async Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckAudit(entry);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(Command(connection, null, TokenStoreSql.InsertAudit)
            .With("@at", StoreTime.ToDb(entry.At))
            .With("@action", entry.Action)
            .With("@actor", entry.Actor)
            .With("@token_name", entry.TokenName)
            .With("@detail", entry.Detail), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One transaction for the whole batch (all or none). Entries' ids are ignored.</remarks>
    public async Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            StoreErrors.CheckAudit(entry);
        }

        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            await ExecuteAsync(Command(connection, transaction, TokenStoreSql.InsertAudit)
                .With("@at", StoreTime.ToDb(entry.At))
                .With("@action", entry.Action)
                .With("@actor", entry.Actor)
                .With("@token_name", entry.TokenName)
                .With("@detail", entry.Detail), cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Newest first means in reverse append order (by id), whatever the entries' times. With several
    /// instances appending at once, ids follow the order the inserts ran, not the order they committed.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 100, string? tokenName = null, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckLimit(limit);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var command = tokenName is null
            ? Command(connection, null, TokenStoreSql.SelectAudit)
            : Command(connection, null, TokenStoreSql.SelectAuditForToken).With("@token_name", tokenName);
        command.With("@limit", limit);
        var entries = new List<AuditEntry>();
        await ReadAllAsync(command, r => entries.Add(new AuditEntry
        {
            Id = r.GetInt64("id"),
            At = StoreTime.FromDb(r.GetInt64("at")),
            Action = r.GetString("action"),
            Actor = r.GetString("actor"),
            TokenName = r.GetNullableString("token_name"),
            Detail = r.GetNullableString("detail"),
        }), cancellationToken).ConfigureAwait(false);
        return entries;
    }

    /// <inheritdoc />
    /// <remarks>Rewrites, in one transaction, every app secret and token value (and the key canary) not already under
    /// the primary key; calling it again returns 0. The rows are read <c>FOR UPDATE</c>, so a concurrent
    /// re-encryption from another instance waits and then finds nothing left to do. After it, the previous keys can
    /// be dropped from every instance.</remarks>
    /// <exception cref="MasterKeyException">A secret cannot be decrypted with any key of the ring; nothing is changed.</exception>
    public async Task<int> ReencryptAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var rewritten = 0;

        var apps = new List<(string AppId, string Secret)>();
        await ReadAllAsync(Command(connection, transaction, TokenStoreSql.SelectAppSecrets + " FOR UPDATE"),
            r => apps.Add((r.GetString("app_id"), r.GetString("secret_enc"))), cancellationToken).ConfigureAwait(false);
        foreach (var (appId, secret) in apps.Where(a => !_protector.IsProtectedWithPrimaryKey(a.Secret)))
        {
            var purpose = SecretPurpose.App(appId);
            await ExecuteAsync(Command(connection, transaction, TokenStoreSql.UpdateAppSecret)
                .With("@app_id", appId).With("@secret_enc", Reprotect(secret, purpose)), cancellationToken).ConfigureAwait(false);
            rewritten++;
        }

        var versions = new List<(string Name, long Number, string Value)>();
        await ReadAllAsync(Command(connection, transaction, TokenStoreSql.SelectVersionSecrets + " FOR UPDATE"),
            r => versions.Add((r.GetString("token_name"), r.GetInt64("number"), r.GetString("value_enc"))), cancellationToken).ConfigureAwait(false);
        foreach (var (name, number, value) in versions.Where(v => !_protector.IsProtectedWithPrimaryKey(v.Value)))
        {
            await ExecuteAsync(Command(connection, transaction, TokenStoreSql.UpdateVersionSecret)
                .With("@name", name).With("@number", number).With("@value_enc", Reprotect(value, SecretPurpose.Token(name, number))), cancellationToken).ConfigureAwait(false);
            rewritten++;
        }

        if (await ScalarAsync(connection, transaction, TokenStoreSql.SelectKeyCheck + " FOR UPDATE", cancellationToken).ConfigureAwait(false) is string canary
            && !_protector.IsProtectedWithPrimaryKey(canary))
        {
            await ExecuteAsync(Command(connection, transaction, TokenStoreSql.UpdateKeyCheck)
                .With("@canary_enc", Reprotect(canary, SecretPurpose.KeyCheck)), cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rewritten;
    }

    /// <summary>Releases the connection pool when the store created it; a data source passed in stays open.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"PostgresTokenStore {{ {Description} }}";

    private static string CheckConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return connectionString;
    }

    private string Reprotect(string protectedValue, string purpose) =>
        _protector.Protect(_protector.Unprotect(protectedValue, purpose), purpose);

    private async Task CheckMasterKeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Two new instances may both find no canary: ON CONFLICT keeps the first, and both then check the stored
        // one, so an instance started with a different key fails instead of silently writing under it.
        await ExecuteAsync(Command(connection, transaction, TokenStoreSql.InsertKeyCheck + " ON CONFLICT (id) DO NOTHING")
            .With("@canary_enc", _protector.Protect(SecretPurpose.KeyCheckPlaintext, SecretPurpose.KeyCheck))
            .With("@created_at", Now()), cancellationToken).ConfigureAwait(false);
        var canary = (string)(await ScalarAsync(connection, transaction, TokenStoreSql.SelectKeyCheck, cancellationToken).ConfigureAwait(false))!;

        string opened;
        try
        {
            opened = _protector.Unprotect(canary, SecretPurpose.KeyCheck);
        }
        catch (MasterKeyException ex)
        {
            throw new MasterKeyException($"Cannot open the token store {Description}. {ex.Message}", ex);
        }

        if (opened != SecretPurpose.KeyCheckPlaintext)
        {
            throw new MasterKeyException($"Cannot open the token store {Description}: its key check holds an unexpected value; the database was altered.");
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task InsertVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, long number, TokenVersionData version, long createdAt, CancellationToken cancellationToken) =>
        await ExecuteAsync(Command(connection, transaction, TokenStoreSql.InsertVersion)
            .With("@name", name)
            .With("@number", number)
            .With("@value_enc", _protector.Protect(version.Value, SecretPurpose.Token(name, number)))
            .With("@kind", version.Kind.ToString())
            .With("@issued_at", StoreTime.ToDb(version.IssuedAt))
            .With("@expires_at", StoreTime.ToDb(version.ExpiresAt))
            .With("@source", version.Source)
            .With("@created_at", createdAt), cancellationToken).ConfigureAwait(false);

    private async Task<ManagedToken?> ReadTokenAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, TokenStoreSql.SelectToken).With("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadToken(reader) : null;
    }

    private static async Task<bool> TokenExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, TokenStoreSql.TokenExists).With("@name", name);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private ManagedToken ReadToken(DbDataReader reader)
    {
        var name = reader.GetString("name");
        return new ManagedToken
        {
            Name = name,
            AppId = reader.GetNullableString("app_id"),
            PhoneNumberId = reader.GetNullableString("phone_number_id"),
            WabaId = reader.GetNullableString("waba_id"),
            Current = ReadVersion(reader, name),
            Health = new TokenHealth
            {
                Status = Enum.TryParse<TokenStatus>(reader.GetString("status"), out var status) ? status : TokenStatus.Unchecked,
                LastCheckedAt = StoreTime.FromDb(reader.GetNullableInt64("last_checked_at")),
                LastError = reader.GetNullableString("last_error"),
                Info = StorageJson.Deserialize(reader.GetNullableString("info_json")),
            },
            SettingsJson = reader.GetNullableString("settings_json"),
            CreatedAt = StoreTime.FromDb(reader.GetInt64("created_at")),
        };
    }

    private TokenVersion ReadVersion(DbDataReader reader, string name)
    {
        var number = reader.GetInt64("number");
        return new TokenVersion
        {
            Number = number,
            Data = new TokenVersionData
            {
                Value = _protector.Unprotect(reader.GetString("value_enc"), SecretPurpose.Token(name, number)),
                Kind = Enum.TryParse<TokenKind>(reader.GetString("kind"), out var kind) ? kind : TokenKind.Unknown,
                IssuedAt = StoreTime.FromDb(reader.GetNullableInt64("issued_at")),
                ExpiresAt = StoreTime.FromDb(reader.GetNullableInt64("expires_at")),
                Source = reader.GetString("source"),
            },
            CreatedAt = StoreTime.FromDb(reader.GetInt64("version_created_at")),
            RevokedAt = StoreTime.FromDb(reader.GetNullableInt64("revoked_at")),
        };
    }

    private StoredApp ReadApp(DbDataReader reader)
    {
        var appId = reader.GetString("app_id");
        var secret = reader.GetNullableString("secret_enc");
        return new StoredApp(appId, secret is null ? null : _protector.Unprotect(secret, SecretPurpose.App(appId)), reader.GetNullableString("name"));
    }

    private long Now() => StoreTime.ToDb(_time.GetUtcNow());

    private static DbCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) =>
        new NpgsqlCommand(sql, connection, transaction);

    private static async Task<int> ExecuteAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private static async Task ReadAllAsync(DbCommand command, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                row(reader);
            }
        }
    }
}
