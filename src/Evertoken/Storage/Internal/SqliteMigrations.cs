namespace Evertoken.Storage.Internal;

/// <summary>
/// The SQLite schema, as numbered migrations applied in order by <see cref="SqliteTokenStore.InitializeAsync"/>.
/// Never edit a shipped migration; add the next number. Column types are chosen so the PostgreSQL schema can be the
/// same shape (TEXT, BIGINT; times are Unix milliseconds; encrypted columns hold <see cref="SecretProtector"/>'s
/// <c>ev1:</c> text). Only the audit id (AUTOINCREMENT here, an identity column there) and the triggers differ.
/// </summary>
internal static class SqliteMigrations
{
    public sealed record Migration(int Version, string Description, string Sql);

    public const string CreateSchemaVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER PRIMARY KEY,
            description TEXT    NOT NULL,
            applied_at  BIGINT  NOT NULL
        );
        """;

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "apps, tokens, token versions, audit, key check", """
            CREATE TABLE apps (
                app_id      TEXT   NOT NULL PRIMARY KEY,
                name        TEXT   NULL,
                secret_enc  TEXT   NULL,
                created_at  BIGINT NOT NULL,
                updated_at  BIGINT NOT NULL
            );

            CREATE TABLE tokens (
                name             TEXT   NOT NULL PRIMARY KEY,
                app_id           TEXT   NULL,
                phone_number_id  TEXT   NULL,
                waba_id          TEXT   NULL,
                current_version  BIGINT NOT NULL,
                status           TEXT   NOT NULL,
                last_checked_at  BIGINT NULL,
                last_error       TEXT   NULL,
                info_json        TEXT   NULL,
                settings_json    TEXT   NULL,
                created_at       BIGINT NOT NULL
            );

            CREATE TABLE token_versions (
                token_name  TEXT   NOT NULL,
                number      BIGINT NOT NULL,
                value_enc   TEXT   NOT NULL,
                kind        TEXT   NOT NULL,
                issued_at   BIGINT NULL,
                expires_at  BIGINT NULL,
                source      TEXT   NOT NULL,
                created_at  BIGINT NOT NULL,
                revoked_at  BIGINT NULL,
                PRIMARY KEY (token_name, number)
            );

            CREATE TABLE audit (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                at          BIGINT  NOT NULL,
                action      TEXT    NOT NULL,
                actor       TEXT    NOT NULL,
                token_name  TEXT    NULL,
                detail      TEXT    NULL
            );

            CREATE INDEX audit_by_token ON audit (token_name, id);

            -- The audit log is append-only: history must survive even a buggy or hostile caller of this store.
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

            -- One canary encrypted with the primary key: opening the store with a wrong key fails at once,
            -- not at the first token read.
            CREATE TABLE key_check (
                id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                canary_enc  TEXT    NOT NULL,
                created_at  BIGINT  NOT NULL
            );
            """),
    ];

    public static int Latest => All[^1].Version;
}
