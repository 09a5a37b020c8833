namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// The inbox tables. Times are unix milliseconds (event_time: unix seconds, as Meta sends them). The relay tables
/// are filled here (one pending delivery per enabled target whose phone number filter matches, for each payload with
/// new events) and worked by <see cref="WebhookRelay"/>, which owns their state transitions.
/// Version 2 added the payload's phone number, the targets' phone number filter, the deliveries' lease, and keeps an
/// event's raw JSON in its own column (as is, not escaped again inside event_json), and dropped the two indexes no
/// query used (payload body hash, event payload id): each index costs the single writer on every append.
/// Version 3 splits an append in two stages: the receiver's commit writes only the payload row (<c>index_state</c>
/// <c>unindexed</c>); the indexer later extracts its events, upserts them, queues the relay deliveries and sets
/// <c>indexed</c> (or <c>failed</c> with <c>index_error</c> when the body's events cannot be read) in one transaction.
/// A partial index holds only the unindexed rows: the indexer's queue, found again after a crash.
/// Version 4 stops hashing each body before the 200 (nothing ever read the hash): files created since have no
/// <c>body_sha256</c> column, older files keep it and get an empty string (<see cref="InsertPayloadLegacy"/>).
/// New files also use 16 KB pages (<see cref="PageSize"/>), and the payloads' received_at index, which no query used,
/// is dropped.
/// Version 5 drops the partial index of unindexed payloads. Every append paid for an entry in it (about 8 of the 55 us of
/// server CPU per stored event in the webhook bench, 13% of the FULL ingest rate) only to serve two lookups: the
/// indexer's queue, which the rowid range after the indexer's position serves as well, and the restart's search for
/// where indexing stopped, which <see cref="LastDone"/> answers by reading back from the newest payload.
/// Version 6 stops copying each event's raw JSON out of its payload: the raw JSON is the exact bytes of the item inside
/// the stored body, so an event keeps where they are (<c>raw_offset</c>, <c>raw_length</c>) and <see cref="SelectEvents"/>
/// reads them back from the body. For a 2 KB message that is most of the payload, which indexing wrote a second time
/// (about 9 of the 54 us of CPU per indexed event in the webhook bench). Rows written before keep their
/// <c>raw_json</c>.
/// </summary>
internal static class WebhookInboxSchema
{
    public const int Version = 6;

    /// <summary>
    /// The page size of a new file. A ~2 KB webhook body fills half of a 4 KB page (two do not fit in one), so every
    /// append wrote a whole page to the WAL and again at the checkpoint; 16 KB pages hold seven, which cut the CPU of a
    /// stage 1 insert by about 40% in the webhook bench. It only applies before the file's first table exists.
    /// </summary>
    public const int PageSize = 16384;

    /// <summary>The payload is stored, its events not yet extracted.</summary>
    public const string Unindexed = "unindexed";

    /// <summary>Its events are stored (or counted as duplicates) and its relay deliveries queued.</summary>
    public const string Indexed = "indexed";

    /// <summary>Its events could not be read; the payload is kept with the reason in <c>index_error</c>.</summary>
    public const string Failed = "failed";

    // Applied in order to a version 1 file before Create (which then only adds what is missing).
    public static readonly string[] UpgradeFrom1 =
    [
        "ALTER TABLE webhook_payloads ADD COLUMN phone_number_id TEXT NOT NULL DEFAULT '';",
        "ALTER TABLE webhook_relay_targets ADD COLUMN phone_number_id TEXT NOT NULL DEFAULT '*';",
        "ALTER TABLE webhook_relay_deliveries ADD COLUMN phone_number_id TEXT NOT NULL DEFAULT '';",
        "ALTER TABLE webhook_relay_deliveries ADD COLUMN lease_until INTEGER;",
        "ALTER TABLE webhook_relay_deliveries ADD COLUMN queued_at INTEGER;",
        "ALTER TABLE webhook_events ADD COLUMN raw_json TEXT;",
        "DROP INDEX IF EXISTS ix_webhook_payloads_body_sha256;",
        "DROP INDEX IF EXISTS ix_webhook_events_payload;",
    ];

    // Applied to a version 1 or 2 file (after UpgradeFrom1) before Create: its payloads were indexed when stored.
    public static readonly string[] UpgradeFrom2 =
    [
        "ALTER TABLE webhook_payloads ADD COLUMN index_state TEXT NOT NULL DEFAULT 'indexed';",
        "ALTER TABLE webhook_payloads ADD COLUMN index_error TEXT;",
    ];

    // Applied to a file of version 1 to 3 (after the earlier steps).
    public static readonly string[] UpgradeFrom3 =
    [
        "DROP INDEX IF EXISTS ix_webhook_payloads_received_at;",
    ];

    // Applied to a file of version 1 to 4 (after the earlier steps).
    public static readonly string[] UpgradeFrom4 =
    [
        "DROP INDEX IF EXISTS ix_webhook_payloads_unindexed;",
    ];

    /// <summary>
    /// Each set of steps with the last version it applies to, in order: a file of version v (1 or more) gets every set
    /// whose version is v or later, then <see cref="Create"/>. Version 0 is a new file, which only gets Create.
    /// </summary>
    public static readonly (int Through, string[] Steps)[] Upgrades =
    [
        (1, UpgradeFrom1),
        (2, UpgradeFrom2),
        (3, UpgradeFrom3),
        (4, UpgradeFrom4),
    ];

    public const string Create = """
        CREATE TABLE IF NOT EXISTS webhook_payloads (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            received_at INTEGER NOT NULL,
            body BLOB NOT NULL,
            event_count INTEGER NOT NULL,
            new_event_count INTEGER NOT NULL DEFAULT 0,
            duplicate_event_count INTEGER NOT NULL DEFAULT 0,
            phone_number_id TEXT NOT NULL DEFAULT '',
            relay_state TEXT NOT NULL DEFAULT 'none' CHECK (relay_state IN ('none', 'pending', 'delivered', 'dead')),
            index_state TEXT NOT NULL DEFAULT 'unindexed',
            index_error TEXT
        );

        CREATE TABLE IF NOT EXISTS webhook_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            payload_id INTEGER NOT NULL REFERENCES webhook_payloads (id),
            dedup_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            field TEXT NOT NULL,
            waba_id TEXT,
            phone_number_id TEXT,
            message_type TEXT,
            wamid TEXT,
            status TEXT,
            from_id TEXT,
            recipient_id TEXT,
            event_time INTEGER,
            received_at INTEGER NOT NULL,
            event_json TEXT NOT NULL,
            raw_json TEXT,
            raw_offset INTEGER,
            raw_length INTEGER,
            duplicate_count INTEGER NOT NULL DEFAULT 0,
            last_duplicate_at INTEGER
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_webhook_events_dedup_key ON webhook_events (dedup_key);
        CREATE INDEX IF NOT EXISTS ix_webhook_events_phone_received ON webhook_events (phone_number_id, received_at);
        CREATE INDEX IF NOT EXISTS ix_webhook_events_wamid ON webhook_events (wamid);
        CREATE INDEX IF NOT EXISTS ix_webhook_events_received_at ON webhook_events (received_at);

        CREATE TABLE IF NOT EXISTS webhook_relay_targets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,
            phone_number_id TEXT NOT NULL DEFAULT '*',
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS webhook_relay_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            payload_id INTEGER NOT NULL REFERENCES webhook_payloads (id),
            target_id INTEGER NOT NULL REFERENCES webhook_relay_targets (id),
            phone_number_id TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER,
            last_attempt_at INTEGER,
            last_status INTEGER,
            last_error TEXT,
            delivered_at INTEGER,
            lease_until INTEGER,
            queued_at INTEGER,
            UNIQUE (payload_id, target_id)
        );
        CREATE INDEX IF NOT EXISTS ix_webhook_relay_due ON webhook_relay_deliveries (state, next_attempt_at);
        CREATE INDEX IF NOT EXISTS ix_webhook_relay_queue ON webhook_relay_deliveries (state, target_id, phone_number_id, id);
        """;

    // Stage 1, before the 200: the raw payload only. Its counts, number and relay state are set by the indexer.
    // Executed without RETURNING (which costs a data reader per row); the id is the connection's last insert rowid.
    public const string InsertPayload = """
        INSERT INTO webhook_payloads (received_at, body, event_count, index_state)
        VALUES ($received_at, $body, 0, 'unindexed');
        """;

    // The same on a file created before version 4, whose body_sha256 column is NOT NULL.
    public const string InsertPayloadLegacy = """
        INSERT INTO webhook_payloads (received_at, body, body_sha256, event_count, index_state)
        VALUES ($received_at, $body, '', 0, 'unindexed');
        """;

    // Version 6's columns, added after Create to an events table made before (whichever version made it).
    public const string HasRawOffsetColumn = "SELECT COUNT(*) FROM pragma_table_info('webhook_events') WHERE name = 'raw_offset';";

    public static readonly string[] AddRawOffsetColumns =
    [
        "ALTER TABLE webhook_events ADD COLUMN raw_offset INTEGER;",
        "ALTER TABLE webhook_events ADD COLUMN raw_length INTEGER;",
    ];

    public const string HasBodyHashColumn = "SELECT COUNT(*) FROM pragma_table_info('webhook_payloads') WHERE name = 'body_sha256';";

    // Stage 2's queue, oldest first, past those already handed to the writer: a rowid range that starts at the first
    // unindexed payload, as everything before $after is indexed.
    public const string SelectUnindexed = """
        SELECT id, received_at, body FROM webhook_payloads WHERE index_state = 'unindexed' AND id > $after ORDER BY id LIMIT $limit;
        """;

    // Checked inside the index transaction: another process writing the same file may have indexed it meanwhile.
    public const string StillUnindexed = "SELECT 1 FROM webhook_payloads WHERE id = $id AND index_state = 'unindexed';";

    // Where the last run's indexing stopped. Payloads are indexed (or marked failed) in id order, one transaction at a
    // time, and ids grow in commit order (one writer at a time, no payload is ever deleted), so every payload up to the
    // newest one not 'unindexed' is done and every later one is not. Read backwards from the newest payload, this scans
    // only the backlog the indexer is about to read anyway, not the whole table.
    public const string LastDone = "SELECT id FROM webhook_payloads WHERE index_state <> 'unindexed' ORDER BY id DESC LIMIT 1;";

    public const string LastPayload = "SELECT MAX(id) FROM webhook_payloads;";

    // Stage 2, in the transaction that upserted the payload's events.
    public const string MarkIndexed = """
        UPDATE webhook_payloads SET index_state = $index_state, index_error = $index_error, event_count = $event_count,
            new_event_count = $new, duplicate_event_count = $duplicates, relay_state = $relay_state, phone_number_id = $phone_number_id
        WHERE id = $id;
        """;

    // One statement tells a new event from a redelivered one: it inserts (1 row changed) unless the unique dedup key is
    // taken (0 rows). A lookup before an upsert cost a second statement per event.
    public const string InsertEvent = """
        INSERT INTO webhook_events (payload_id, dedup_key, kind, field, waba_id, phone_number_id, message_type, wamid,
                                    status, from_id, recipient_id, event_time, received_at, event_json, raw_json, raw_offset, raw_length)
        VALUES ($payload_id, $dedup_key, $kind, $field, $waba_id, $phone_number_id, $message_type, $wamid,
                $status, $from_id, $recipient_id, $event_time, $received_at, $event_json, $raw_json, $raw_offset, $raw_length)
        ON CONFLICT (dedup_key) DO NOTHING;
        """;

    // The columns WebhookEventRows.ReadPageAsync expects, in order; the raw JSON from its own column (rows written
    // before version 6) or cut out of the payload's body (substr counts bytes in a BLOB; offsets are 0-based).
    public const string SelectEvents = """
        SELECT id, payload_id, received_at, duplicate_count, event_json,
            COALESCE(raw_json, (SELECT CAST(substr(p.body, webhook_events.raw_offset + 1, webhook_events.raw_length) AS TEXT)
                                FROM webhook_payloads p WHERE p.id = webhook_events.payload_id AND webhook_events.raw_offset IS NOT NULL))
        FROM webhook_events
        """;

    // A redelivered event is counted on the stored row instead of stored again.
    public const string CountDuplicate = """
        UPDATE webhook_events SET duplicate_count = duplicate_count + 1, last_duplicate_at = $received_at WHERE dedup_key = $dedup_key;
        """;

    public const string QueueRelay = """
        INSERT INTO webhook_relay_deliveries (payload_id, target_id, phone_number_id, state, attempts, next_attempt_at, queued_at)
        SELECT $payload_id, id, $phone_number_id, 'pending', 0, $now, $now FROM webhook_relay_targets
        WHERE enabled = 1 AND (phone_number_id = '*' OR phone_number_id = $phone_number_id);
        """;
}
