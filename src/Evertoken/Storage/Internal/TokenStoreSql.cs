namespace Evertoken.Storage.Internal;

/// <summary>
/// The queries of the SQL stores. Plain SQL that SQLite and PostgreSQL both accept (named <c>@parameters</c>,
/// <c>ON CONFLICT</c>, <c>LIMIT</c>), so the PostgreSQL store can use the same text.
/// </summary>
internal static class TokenStoreSql
{
    private const string TokenColumns = """
        t.name, t.app_id, t.phone_number_id, t.waba_id, t.status, t.last_checked_at, t.last_error, t.info_json,
        t.settings_json, t.created_at,
        v.number, v.value_enc, v.kind, v.issued_at, v.expires_at, v.source, v.created_at AS version_created_at, v.revoked_at
        FROM tokens t
        JOIN token_versions v ON v.token_name = t.name AND v.number = t.current_version
        """;

    public const string SelectToken = "SELECT " + TokenColumns + " WHERE t.name = @name";

    public const string SelectTokens = "SELECT " + TokenColumns + " ORDER BY t.name";

    public const string TokenExists = "SELECT COUNT(*) FROM tokens WHERE name = @name";

    public const string InsertToken = """
        INSERT INTO tokens (name, app_id, phone_number_id, waba_id, current_version, status, settings_json, created_at)
        VALUES (@name, @app_id, @phone_number_id, @waba_id, @version, @status, @settings_json, @created_at)
        ON CONFLICT (name) DO NOTHING
        """;

    public const string InsertVersion = """
        INSERT INTO token_versions (token_name, number, value_enc, kind, issued_at, expires_at, source, created_at)
        VALUES (@name, @number, @value_enc, @kind, @issued_at, @expires_at, @source, @created_at)
        """;

    /// <summary>The compare-and-swap: moves the current version only if nobody else moved it first.</summary>
    public const string AdvanceVersion = """
        UPDATE tokens SET current_version = @new_version
        WHERE name = @name AND current_version = @expected_version
        """;

    public const string UpdateHealth = """
        UPDATE tokens SET status = @status, last_checked_at = @last_checked_at, last_error = @last_error, info_json = @info_json
        WHERE name = @name
        """;

    public const string SelectHistory = """
        SELECT number, value_enc, kind, issued_at, expires_at, source, created_at AS version_created_at, revoked_at
        FROM token_versions WHERE token_name = @name ORDER BY number DESC
        """;

    public const string UpdateVersionFacts = "UPDATE token_versions SET kind = @kind, issued_at = @issued_at, expires_at = @expires_at WHERE token_name = @name AND number = @number";

    public const string MarkRevoked = "UPDATE token_versions SET revoked_at = @revoked_at WHERE token_name = @name AND number = @number";

    public const string DeleteVersions = "DELETE FROM token_versions WHERE token_name = @name";

    public const string DeleteToken = "DELETE FROM tokens WHERE name = @name";

    public const string UpsertApp = """
        INSERT INTO apps (app_id, name, secret_enc, created_at, updated_at)
        VALUES (@app_id, @name, @secret_enc, @now, @now)
        ON CONFLICT (app_id) DO UPDATE SET name = excluded.name, secret_enc = excluded.secret_enc, updated_at = excluded.updated_at
        """;

    public const string SelectApp = "SELECT app_id, name, secret_enc FROM apps WHERE app_id = @app_id";

    public const string SelectApps = "SELECT app_id, name, secret_enc FROM apps ORDER BY app_id";

    public const string InsertAudit = """
        INSERT INTO audit (at, action, actor, token_name, detail) VALUES (@at, @action, @actor, @token_name, @detail)
        """;

    // SQLite only: a run of entries that differ only in time, the times (Unix milliseconds) as a JSON array, inserted in
    // the array's order (json_each numbers its elements in "key").
    public const string InsertAuditRun = """
        INSERT INTO audit (at, action, actor, token_name, detail)
        SELECT value, @action, @actor, @token_name, @detail FROM json_each(@times) ORDER BY key
        """;

    // Two queries rather than "@token_name IS NULL OR ...": PostgreSQL cannot infer the type of an untyped null parameter.
    public const string SelectAudit = "SELECT id, at, action, actor, token_name, detail FROM audit ORDER BY id DESC LIMIT @limit";

    public const string SelectAuditForToken = """
        SELECT id, at, action, actor, token_name, detail FROM audit WHERE token_name = @token_name ORDER BY id DESC LIMIT @limit
        """;

    public const string SelectKeyCheck = "SELECT canary_enc FROM key_check WHERE id = 1";

    public const string InsertKeyCheck = "INSERT INTO key_check (id, canary_enc, created_at) VALUES (1, @canary_enc, @created_at)";

    public const string UpdateKeyCheck = "UPDATE key_check SET canary_enc = @canary_enc WHERE id = 1";

    public const string SelectAppSecrets = "SELECT app_id, secret_enc FROM apps WHERE secret_enc IS NOT NULL";

    public const string UpdateAppSecret = "UPDATE apps SET secret_enc = @secret_enc WHERE app_id = @app_id";

    public const string SelectVersionSecrets = "SELECT token_name, number, value_enc FROM token_versions";

    public const string UpdateVersionSecret = "UPDATE token_versions SET value_enc = @value_enc WHERE token_name = @name AND number = @number";
}
