namespace Evertoken.Storage.Internal;

/// <summary>
/// The PostgreSQL schema, as numbered migrations applied in order by <see cref="PostgresSchema.MigrateAsync"/>.
/// Never edit a shipped migration; add the next number. The tables are the shape of <see cref="SqliteMigrations"/>
/// (so <see cref="TokenStoreSql"/> runs unchanged) with three differences: the audit id is an identity column, text
/// keys use the "C" collation (byte order, as SQLite sorts them), and triggers are PL/pgSQL functions.
/// </summary>
internal static class PostgresMigrations
{
    public sealed record Migration(int Version, string Description, string Sql);

    /// <summary>The channel every instance listens on; the payload is the token name.</summary>
    public const string TokenChannel = "evertoken_tokens";

    public const string CreateSchemaVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER PRIMARY KEY,
            description TEXT    NOT NULL,
            applied_at  BIGINT  NOT NULL
        );
        """;

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "apps, tokens, token versions, audit, key check, change notifications", """
            CREATE TABLE apps (
                app_id      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
                name        TEXT   NULL,
                secret_enc  TEXT   NULL,
                created_at  BIGINT NOT NULL,
                updated_at  BIGINT NOT NULL
            );

            CREATE TABLE tokens (
                name             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
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
                token_name  TEXT COLLATE "C" NOT NULL,
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
                id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at          BIGINT NOT NULL,
                action      TEXT   NOT NULL,
                actor       TEXT   NOT NULL,
                token_name  TEXT COLLATE "C" NULL,
                detail      TEXT   NULL
            );

            CREATE INDEX audit_by_token ON audit (token_name, id);

            -- The audit log is append-only: history must survive even a buggy or hostile caller of this store.
            CREATE FUNCTION evertoken_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only';
            END;
            $$;

            CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
                FOR EACH ROW EXECUTE FUNCTION evertoken_audit_append_only();

            CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
                FOR EACH STATEMENT EXECUTE FUNCTION evertoken_audit_append_only();

            -- One canary encrypted with the primary key: opening the store with a wrong key fails at once,
            -- not at the first token read.
            CREATE TABLE key_check (
                id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                canary_enc  TEXT    NOT NULL,
                created_at  BIGINT  NOT NULL
            );

            -- Every instance caches tokens: tell them all when a token gets a new current version or goes away,
            -- whoever made the change (another Evertoken, an operator's SQL). Delivered at commit, once per
            -- transaction and name.
            CREATE FUNCTION evertoken_notify_token() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    PERFORM pg_notify('evertoken_tokens', OLD.name);
                ELSIF NEW.current_version IS DISTINCT FROM OLD.current_version THEN
                    PERFORM pg_notify('evertoken_tokens', NEW.name);
                END IF;
                RETURN NULL;
            END;
            $$;

            CREATE TRIGGER tokens_notify AFTER UPDATE OR DELETE ON tokens
                FOR EACH ROW EXECUTE FUNCTION evertoken_notify_token();
            """),
        new(2, "client keys", """
            CREATE TABLE client_keys (
                id          TEXT COLLATE "C" PRIMARY KEY,
                name        TEXT   NOT NULL,
                scopes      TEXT   NOT NULL,
                tokens      TEXT   NOT NULL,
                secret_hash TEXT   NOT NULL,
                created_at  BIGINT NOT NULL,
                revoked_at  BIGINT NULL
            );
            """),
        new(3, "webhook inbox and relay queue", Evertoken.WhatsApp.Internal.WebhookPostgresSchema.Create),
        // Nothing read the body hash; computing it cost every webhook a SHA-256. Nullable rather than dropped, so an
        // instance of the previous version still writing it keeps working during a rolling upgrade.
        new(4, "webhook payload body hash optional", "ALTER TABLE webhook_payloads ALTER COLUMN body_sha256 DROP NOT NULL;"),
        // Shared by the instances, one of which at a time hands the events to the app's handlers (an advisory lock).
        new(5, "webhook handler cursor", """
            CREATE TABLE webhook_handler_cursors (
                name       TEXT COLLATE "C" PRIMARY KEY,
                event_id   BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            """),
        // The dashboard's Data Protection keys (each sealed with the master key), shared so a sign-in on one instance
        // holds on all of them. Rows are only added: Data Protection revokes a key with a new element, not an update.
        new(6, "dashboard data protection keys", """
            CREATE TABLE dataprotection_keys (
                id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                friendly_name TEXT   NULL,
                xml           TEXT   NOT NULL,
                created_at    BIGINT NOT NULL
            );
            """),
    ];

    public static int Latest => All[^1].Version;
}
