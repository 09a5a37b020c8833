using System.Data.Common;
using System.Globalization;
using System.Text;
using Evertoken.Storage.Internal;
using Evertoken.Tokens;
using Microsoft.Data.Sqlite;

namespace Evertoken.Storage;

/// <summary>
/// An <see cref="ITokenStore"/> in one SQLite file, in WAL mode, with every secret encrypted by a
/// <see cref="SecretProtector"/>. Safe for concurrent callers in one process and for several processes on one file:
/// each operation opens a pooled connection, writes run in <c>BEGIN IMMEDIATE</c> transactions, and
/// <see cref="AddVersionAsync"/> is a compare-and-swap on the current version.
/// Operations initialise the store on first use when <see cref="InitializeAsync"/> was not called.
/// Times are kept in UTC to the millisecond. Dispose to release the file's pooled connections.
/// </summary>
public sealed class SqliteTokenStore : ITokenStore, IDisposable, IAsyncDisposable
{
    private readonly SqliteStoreOptions _options;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _initializeLock = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates a store; nothing is opened until <see cref="InitializeAsync"/> or the first operation.</summary>
    /// <param name="options">The database file and durability settings.</param>
    /// <param name="protector">Encrypts and decrypts the secrets.</param>
    /// <param name="timeProvider">The clock for created/updated times. Default: <see cref="TimeProvider.System"/>.</param>
    public SqliteTokenStore(SqliteStoreOptions options, SecretProtector protector, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath, nameof(options));
        if (options.DatabasePath == ":memory:" || options.DatabasePath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            // Each operation opens its own connection, so an in-memory SQLite database would vanish between calls.
            throw new ArgumentException("DatabasePath must be a file path; use InMemoryTokenStore for a store without a file.", nameof(options));
        }

        _options = options;
        _protector = protector;
        _time = timeProvider ?? TimeProvider.System;
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Creates a store on <paramref name="databasePath"/> with default settings and initialises it
    /// (creating the file and schema when missing).</summary>
    /// <exception cref="MasterKeyException">The protector's keys do not open this file.</exception>
    public static async Task<SqliteTokenStore> OpenAsync(string databasePath, SecretProtector protector, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var store = new SqliteTokenStore(new SqliteStoreOptions { DatabasePath = databasePath }, protector, timeProvider);
        try
        {
            await store.InitializeAsync(cancellationToken);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Creates the file (0600) and its folder when missing, switches to WAL, applies pending migrations in
    /// one <c>BEGIN IMMEDIATE</c> transaction (so two processes starting together do not both migrate), and checks
    /// the master key against the stored canary (writing one on a new file).</remarks>
    /// <exception cref="MasterKeyException">The master key does not open this store.</exception>
    /// <exception cref="InvalidOperationException">The file was migrated by a newer Evertoken.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _initializeLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            CreateFileIfMissing();
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

            await using var transaction = connection.BeginTransaction(deferred: false);
            await ExecuteAsync(connection, transaction, SqliteMigrations.CreateSchemaVersionTable, cancellationToken);
            var current = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken));
            if (current > SqliteMigrations.Latest)
            {
                throw new InvalidOperationException(
                    $"The token store {DatabasePath} has schema version {current}, newer than this Evertoken knows ({SqliteMigrations.Latest}). Upgrade Evertoken.");
            }

            foreach (var migration in SqliteMigrations.All.Where(m => m.Version > current))
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                using var record = Command(connection, transaction, "INSERT INTO schema_version (version, description, applied_at) VALUES (@version, @description, @at)")
                    .With("@version", migration.Version).With("@description", migration.Description).With("@at", Now());
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await CheckMasterKeyAsync(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
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
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, TokenStoreSql.UpsertApp)
            .With("@app_id", app.AppId)
            .With("@name", app.Name)
            .With("@secret_enc", app.AppSecret is null ? null : _protector.Protect(app.AppSecret, SecretPurpose.App(app.AppId)))
            .With("@now", Now());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="MasterKeyException">The app secret cannot be decrypted (wrong key, altered row).</exception>
    public async Task<StoredApp?> GetAppAsync(string appId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, TokenStoreSql.SelectApp).With("@app_id", appId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadApp(reader) : null;
    }

    /// <inheritdoc />
    /// <remarks>Ordered by app id.</remarks>
    public async Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, TokenStoreSql.SelectApps);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var apps = new List<StoredApp>();
        while (await reader.ReadAsync(cancellationToken))
        {
            apps.Add(ReadApp(reader));
        }

        return apps;
    }

    /// <inheritdoc />
    public async Task<ManagedToken> AddTokenAsync(NewManagedToken token, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckNewToken(token);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var now = Now();
        using (var insert = Command(connection, transaction, TokenStoreSql.InsertToken)
            .With("@name", token.Name)
            .With("@app_id", token.AppId)
            .With("@phone_number_id", token.PhoneNumberId)
            .With("@waba_id", token.WabaId)
            .With("@version", 1L)
            .With("@status", nameof(TokenStatus.Unchecked))
            .With("@settings_json", token.SettingsJson)
            .With("@created_at", now))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw StoreErrors.DuplicateToken(token.Name);
            }
        }

        await InsertVersionAsync(connection, transaction, token.Name, 1, token.Version, now, cancellationToken);
        var stored = await ReadTokenAsync(connection, transaction, token.Name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored!;
    }

    /// <inheritdoc />
    /// <exception cref="MasterKeyException">The value cannot be decrypted (wrong key, altered row).</exception>
    public async Task<ManagedToken?> GetTokenAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadTokenAsync(connection, null, name, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Ordered by name.</remarks>
    public async Task<IReadOnlyList<ManagedToken>> ListTokensAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, TokenStoreSql.SelectTokens);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tokens = new List<ManagedToken>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(ReadToken(reader));
        }

        return tokens;
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    public async Task<ManagedToken?> AddVersionAsync(string name, long expectedCurrentVersion, TokenVersionData version, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        StoreErrors.CheckVersion(version);
        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE takes the write lock up front, so the compare-and-swap and the insert are one step for every
        // other connection and process.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var newVersion = expectedCurrentVersion + 1;
        using (var swap = Command(connection, transaction, TokenStoreSql.AdvanceVersion)
            .With("@name", name).With("@expected_version", expectedCurrentVersion).With("@new_version", newVersion))
        {
            if (await swap.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                if (!await TokenExistsAsync(connection, transaction, name, cancellationToken))
                {
                    throw StoreErrors.UnknownToken(name);
                }

                return null;
            }
        }

        await InsertVersionAsync(connection, transaction, name, newVersion, version, Now(), cancellationToken);
        var stored = await ReadTokenAsync(connection, transaction, name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    public async Task UpdateHealthAsync(string name, TokenHealth health, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        ArgumentNullException.ThrowIfNull(health);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, TokenStoreSql.UpdateHealth)
            .With("@name", name)
            .With("@status", health.Status.ToString())
            .With("@last_checked_at", StoreTime.ToDb(health.LastCheckedAt))
            .With("@last_error", health.LastError)
            .With("@info_json", StorageJson.Serialize(health.Info));
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
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
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, TokenStoreSql.SelectHistory).With("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<TokenVersion>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(ReadVersion(reader, name));
        }

        // A stored token always has at least version 1, so no rows means no token.
        return versions.Count > 0 ? versions : throw StoreErrors.UnknownToken(name);
    }

    /// <inheritdoc />
    public async Task UpdateVersionFactsAsync(string name, long version, TokenKind kind, DateTimeOffset? issuedAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, TokenStoreSql.UpdateVersionFacts)
            .With("@name", name).With("@number", version).With("@kind", kind.ToString())
            .With("@issued_at", StoreTime.ToDb(issuedAt)).With("@expires_at", StoreTime.ToDb(expiresAt));
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw await TokenExistsAsync(connection, null, name, cancellationToken)
                ? StoreErrors.UnknownVersion(name, version)
                : StoreErrors.UnknownToken(name);
        }
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">No token has that name, or it has no such version.</exception>
    public async Task MarkRevokedAsync(string name, long version, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, TokenStoreSql.MarkRevoked)
            .With("@name", name).With("@number", version).With("@revoked_at", StoreTime.ToDb(revokedAt));
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw await TokenExistsAsync(connection, null, name, cancellationToken)
                ? StoreErrors.UnknownVersion(name, version)
                : StoreErrors.UnknownToken(name);
        }
    }

    /// <inheritdoc />
    /// <remarks>The token's audit entries stay.</remarks>
    public async Task<bool> RemoveTokenAsync(string name, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckName(name);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(Command(connection, transaction, TokenStoreSql.DeleteVersions).With("@name", name), cancellationToken);
        var removed = await ExecuteAsync(Command(connection, transaction, TokenStoreSql.DeleteToken).With("@name", name), cancellationToken) > 0;
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    /// <inheritdoc />
    /// <remarks>The entry's <see cref="AuditEntry.Id"/> is ignored; the store numbers entries in append order.</remarks>
    public async Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckAudit(entry);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, TokenStoreSql.InsertAudit)
            .With("@at", StoreTime.ToDb(entry.At))
            .With("@action", entry.Action)
            .With("@actor", entry.Actor)
            .With("@token_name", entry.TokenName)
            .With("@detail", entry.Detail);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One <c>BEGIN IMMEDIATE</c> transaction for the whole batch: a commit (and its WAL write) per batch, not
    /// per entry. Consecutive entries that differ only in their time (a burst of token reads by one key) go in as one
    /// statement, their times passed as one JSON array: one statement and four bound strings per run rather than per
    /// entry, so a row costs little more than SQLite's own insert. Order and content are as if appended one by one.
    /// Entries' ids are ignored.</remarks>
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

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        using var command = Command(connection, transaction, TokenStoreSql.InsertAuditRun)
            .With("@times", "[]").With("@action", "").With("@actor", "").With("@token_name", null).With("@detail", null);
        var parameters = command.Parameters;
        var (times, action, actor, tokenName, detail) = (parameters["@times"], parameters["@action"], parameters["@actor"], parameters["@token_name"], parameters["@detail"]);
        var json = new StringBuilder();
        for (var start = 0; start < entries.Count;)
        {
            var first = entries[start];
            json.Clear().Append(CultureInfo.InvariantCulture, $"[{StoreTime.ToDb(first.At)}");
            var end = start + 1;
            for (; end < entries.Count && SameButTime(entries[end], first); end++)
            {
                json.Append(CultureInfo.InvariantCulture, $",{StoreTime.ToDb(entries[end].At)}");
            }

            times.Value = json.Append(']').ToString();
            action.Value = first.Action;
            actor.Value = first.Actor;
            tokenName.Value = (object?)first.TokenName ?? DBNull.Value;
            detail.Value = (object?)first.Detail ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
            start = end;
        }

        await transaction.CommitAsync(cancellationToken);

        static bool SameButTime(AuditEntry a, AuditEntry b) =>
            string.Equals(a.Action, b.Action, StringComparison.Ordinal)
            && string.Equals(a.Actor, b.Actor, StringComparison.Ordinal)
            && string.Equals(a.TokenName, b.TokenName, StringComparison.Ordinal)
            && string.Equals(a.Detail, b.Detail, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    /// <remarks>Newest first means in reverse append order (by id), whatever the entries' times.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive.</exception>
    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 100, string? tokenName = null, CancellationToken cancellationToken = default)
    {
        StoreErrors.CheckLimit(limit);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = tokenName is null
            ? Command(connection, null, TokenStoreSql.SelectAudit)
            : Command(connection, null, TokenStoreSql.SelectAuditForToken).With("@token_name", tokenName);
        command.With("@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry
            {
                Id = reader.GetInt64("id"),
                At = StoreTime.FromDb(reader.GetInt64("at")),
                Action = reader.GetString("action"),
                Actor = reader.GetString("actor"),
                TokenName = reader.GetNullableString("token_name"),
                Detail = reader.GetNullableString("detail"),
            });
        }

        return entries;
    }

    /// <inheritdoc />
    /// <remarks>Rewrites, in one transaction, every app secret and token value (and the key canary) not already under
    /// the primary key; calling it again returns 0. After it, the previous keys can be dropped.</remarks>
    /// <exception cref="MasterKeyException">A secret cannot be decrypted with any key of the ring; nothing is changed.</exception>
    public async Task<int> ReencryptAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var rewritten = 0;

        var apps = new List<(string AppId, string Secret)>();
        await ReadAllAsync(Command(connection, transaction, TokenStoreSql.SelectAppSecrets),
            r => apps.Add((r.GetString("app_id"), r.GetString("secret_enc"))), cancellationToken);
        foreach (var (appId, secret) in apps.Where(a => !_protector.IsProtectedWithPrimaryKey(a.Secret)))
        {
            var purpose = SecretPurpose.App(appId);
            await ExecuteAsync(Command(connection, transaction, TokenStoreSql.UpdateAppSecret)
                .With("@app_id", appId).With("@secret_enc", Reprotect(secret, purpose)), cancellationToken);
            rewritten++;
        }

        var versions = new List<(string Name, long Number, string Value)>();
        await ReadAllAsync(Command(connection, transaction, TokenStoreSql.SelectVersionSecrets),
            r => versions.Add((r.GetString("token_name"), r.GetInt64("number"), r.GetString("value_enc"))), cancellationToken);
        foreach (var (name, number, value) in versions.Where(v => !_protector.IsProtectedWithPrimaryKey(v.Value)))
        {
            await ExecuteAsync(Command(connection, transaction, TokenStoreSql.UpdateVersionSecret)
                .With("@name", name).With("@number", number).With("@value_enc", Reprotect(value, SecretPurpose.Token(name, number))), cancellationToken);
            rewritten++;
        }

        if (await ScalarAsync(connection, transaction, TokenStoreSql.SelectKeyCheck, cancellationToken) is string canary
            && !_protector.IsProtectedWithPrimaryKey(canary))
        {
            await ExecuteAsync(Command(connection, transaction, TokenStoreSql.UpdateKeyCheck)
                .With("@canary_enc", Reprotect(canary, SecretPurpose.KeyCheck)), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rewritten;
    }

    /// <summary>Releases the pooled connections to the file (so it can be moved or deleted).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"SqliteTokenStore {{ {DatabasePath} }}";

    private string Reprotect(string protectedValue, string purpose) =>
        _protector.Protect(_protector.Unprotect(protectedValue, purpose), purpose);

    private async Task CheckMasterKeyAsync(SqliteConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (await ScalarAsync(connection, transaction, TokenStoreSql.SelectKeyCheck, cancellationToken) is not string canary)
        {
            await ExecuteAsync(Command(connection, transaction, TokenStoreSql.InsertKeyCheck)
                .With("@canary_enc", _protector.Protect(SecretPurpose.KeyCheckPlaintext, SecretPurpose.KeyCheck))
                .With("@created_at", Now()), cancellationToken);
            return;
        }

        string opened;
        try
        {
            opened = _protector.Unprotect(canary, SecretPurpose.KeyCheck);
        }
        catch (MasterKeyException ex)
        {
            throw new MasterKeyException($"Cannot open the token store {DatabasePath}. {ex.Message}", ex);
        }

        if (opened != SecretPurpose.KeyCheckPlaintext)
        {
            throw new MasterKeyException($"Cannot open the token store {DatabasePath}: its key check holds an unexpected value; the file was altered.");
        }
    }

    private void CreateFileIfMissing()
    {
        if (File.Exists(DatabasePath))
        {
            return;
        }

        var folder = Path.GetDirectoryName(DatabasePath)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // An empty file is a valid empty SQLite database. Creating it ourselves sets owner-only permissions, which
        // SQLite then copies to the -wal and -shm files. OpenOrCreate: another process may have created it meanwhile.
        using var _ = new FileStream(DatabasePath, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }

        return await OpenConnectionAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Per-connection settings (journal_mode=WAL is stored in the file). Pooled connections keep them; setting
            // them again is cheap and keeps every connection right.
            var synchronous = _options.SynchronousFull ? "FULL" : "NORMAL";
            var busyMs = (long)_options.BusyTimeout.TotalMilliseconds;
            await ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {busyMs}; PRAGMA synchronous = {synchronous};", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task InsertVersionAsync(SqliteConnection connection, DbTransaction transaction, string name, long number, TokenVersionData version, long createdAt, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, TokenStoreSql.InsertVersion)
            .With("@name", name)
            .With("@number", number)
            .With("@value_enc", _protector.Protect(version.Value, SecretPurpose.Token(name, number)))
            .With("@kind", version.Kind.ToString())
            .With("@issued_at", StoreTime.ToDb(version.IssuedAt))
            .With("@expires_at", StoreTime.ToDb(version.ExpiresAt))
            .With("@source", version.Source)
            .With("@created_at", createdAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<ManagedToken?> ReadTokenAsync(SqliteConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, TokenStoreSql.SelectToken).With("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadToken(reader) : null;
    }

    private static async Task<bool> TokenExistsAsync(SqliteConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, TokenStoreSql.TokenExists).With("@name", name);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) > 0;
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

    private static DbCommand Command(SqliteConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = (SqliteTransaction?)transaction;
        return command;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, sql);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int> ExecuteAsync(DbCommand command, CancellationToken cancellationToken)
    {
        using (command)
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, sql);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private static async Task ReadAllAsync(DbCommand command, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                row(reader);
            }
        }
    }
}
