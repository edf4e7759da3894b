"""The SQLite schema, as migrations frozen in literal SQL.

``MIGRATIONS`` is an ordered list: migration N brings a database from ``user_version``
N-1 to N. Append only: a migration that has shipped is never edited (tests pin the
sha256 of each one's SQL), and none is computed from live code, so changing Python
(adding an evidence status, say) never rewrites a schema already in use. A change to the
schema is a new migration.
"""

from __future__ import annotations

import logging
import sqlite3

from bot.record.migration import Migration, check_order, latest_version

log = logging.getLogger(__name__)


# The CHECK lists in migration 1 are the editorial statuses of its release, written out;
# a new editorial status needs a migration that rebuilds ``rulings`` with a wider CHECK.
MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "editorial: rulings audit log, notes, feedback",
        """
        CREATE TABLE rulings (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id  TEXT    NOT NULL CHECK (length(claim_id) > 0),
            status    TEXT    NOT NULL CHECK (status IN ('confirmed', 'false', 'in_review', 'misleading', 'clear')),
            previous  TEXT             CHECK (previous IS NULL
                                              OR previous IN ('confirmed', 'false', 'in_review', 'misleading')),
            reason    TEXT    NOT NULL DEFAULT '',
            by_name   TEXT    NOT NULL CHECK (length(by_name) > 0),
            by_id     INTEGER,
            at        TEXT    NOT NULL
        );
        CREATE INDEX rulings_by_claim ON rulings (claim_id, id);
        CREATE TRIGGER rulings_append_only_update BEFORE UPDATE ON rulings
        BEGIN SELECT RAISE(ABORT, 'rulings is an append-only audit log'); END;
        CREATE TRIGGER rulings_append_only_delete BEFORE DELETE ON rulings
        BEGIN SELECT RAISE(ABORT, 'rulings is an append-only audit log'); END;

        CREATE TABLE notes (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id  TEXT    NOT NULL CHECK (length(claim_id) > 0),
            text      TEXT    NOT NULL CHECK (length(text) > 0),
            by_name   TEXT    NOT NULL CHECK (length(by_name) > 0),
            by_id     INTEGER,
            at        TEXT    NOT NULL
        );
        CREATE INDEX notes_by_claim ON notes (claim_id, id);

        CREATE TABLE feedback (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            kind       TEXT    NOT NULL DEFAULT 'wrong_match',
            command    TEXT    NOT NULL,
            query      TEXT    NOT NULL,
            claim_id   TEXT,
            user_id    INTEGER,
            user_name  TEXT    NOT NULL DEFAULT '',
            guild_id   INTEGER,
            channel_id INTEGER,
            comment    TEXT    NOT NULL DEFAULT '',
            at         TEXT    NOT NULL
        );
        CREATE INDEX feedback_by_time ON feedback (id DESC);
        """,  # noqa: E501
    ),
    Migration(
        2,
        "digest: snapshots, subscriptions, runs (exactly once), sent messages",
        """
        -- The claim set as a digest run saw it: every record's content hash (the item
        -- set, shared by snapshots with the same content) and the rulings cursor.
        CREATE TABLE digest_snapshots (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            claimset      TEXT    NOT NULL,
            items_hash    TEXT    NOT NULL,
            ruling_cursor INTEGER NOT NULL DEFAULT 0,
            taken_at      TEXT    NOT NULL
        );
        CREATE TABLE digest_snapshot_items (
            items_hash TEXT NOT NULL,
            record     TEXT NOT NULL,
            hash       TEXT NOT NULL,
            PRIMARY KEY (items_hash, record)
        ) WITHOUT ROWID;

        CREATE TABLE digest_subscriptions (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            guild_id        INTEGER,
            channel_id      INTEGER NOT NULL UNIQUE CHECK (channel_id > 0),
            time            TEXT    NOT NULL,
            timezone        TEXT    NOT NULL,
            post_when_empty INTEGER NOT NULL CHECK (post_when_empty IN (0, 1)),
            active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            active_from     TEXT    NOT NULL,
            baseline_snapshot_id INTEGER NOT NULL REFERENCES digest_snapshots (id),
            created_by      TEXT    NOT NULL,
            created_at      TEXT    NOT NULL,
            updated_at      TEXT    NOT NULL
        );

        -- One row per subscription and period, written before anything is sent.
        CREATE TABLE digest_runs (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            subscription_id   INTEGER NOT NULL REFERENCES digest_subscriptions (id),
            period            TEXT    NOT NULL,
            state             TEXT    NOT NULL CHECK (state IN
                                ('sending', 'sent', 'skipped', 'failed', 'abandoned')),
            payload           TEXT    NOT NULL,
            snapshot_id       INTEGER NOT NULL REFERENCES digest_snapshots (id),
            since_snapshot_id INTEGER NOT NULL REFERENCES digest_snapshots (id),
            attempts          INTEGER NOT NULL DEFAULT 0,
            last_error        TEXT    NOT NULL DEFAULT '',
            started_at        TEXT    NOT NULL,
            finished_at       TEXT,
            message_id        INTEGER,
            UNIQUE (subscription_id, period)
        );
        CREATE TABLE digest_messages (
            run_id     INTEGER NOT NULL REFERENCES digest_runs (id),
            part       INTEGER NOT NULL CHECK (part >= 0),
            nonce      TEXT    NOT NULL,
            message_id INTEGER NOT NULL,
            sent_at    TEXT    NOT NULL,
            PRIMARY KEY (run_id, part)
        );
        """,
    ),
    Migration(
        3,
        "ingest: drafts of articles and the append-only record of who accepted what",
        """
        CREATE TABLE drafts (
            id          TEXT    PRIMARY KEY CHECK (length(id) > 0),
            text_sha256 TEXT    NOT NULL UNIQUE,
            claimset    TEXT    NOT NULL,
            name        TEXT    NOT NULL DEFAULT '',
            payload     TEXT    NOT NULL,
            state       TEXT    NOT NULL DEFAULT 'open'
                                CHECK (state IN ('open', 'accepted', 'rejected', 'partial')),
            created_by  TEXT    NOT NULL DEFAULT '',
            created_at  TEXT    NOT NULL
        );
        CREATE TABLE draft_decisions (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            draft_id  TEXT    NOT NULL REFERENCES drafts (id),
            item      TEXT    NOT NULL,
            decision  TEXT    NOT NULL CHECK (decision IN ('accepted', 'rejected')),
            by_name   TEXT    NOT NULL CHECK (length(by_name) > 0),
            at        TEXT    NOT NULL
        );
        CREATE INDEX draft_decisions_by_draft ON draft_decisions (draft_id, id);
        CREATE TRIGGER draft_decisions_append_only_update BEFORE UPDATE ON draft_decisions
        BEGIN SELECT RAISE(ABORT, 'draft_decisions is an append-only audit log'); END;
        CREATE TRIGGER draft_decisions_append_only_delete BEFORE DELETE ON draft_decisions
        BEGIN SELECT RAISE(ABORT, 'draft_decisions is an append-only audit log'); END;
        """,
    ),
    Migration(
        4,
        "stories: every record belongs to a story and a server; story defaults",
        """
        -- Rows from before stories belong to the story 'default' and to no server
        -- (guild_id 0: the desk-wide record, which every server of the story sees).
        ALTER TABLE rulings ADD COLUMN story TEXT NOT NULL DEFAULT 'default';
        ALTER TABLE rulings ADD COLUMN guild_id INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX rulings_by_scope ON rulings (story, guild_id, claim_id, id);
        ALTER TABLE notes ADD COLUMN story TEXT NOT NULL DEFAULT 'default';
        ALTER TABLE notes ADD COLUMN guild_id INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX notes_by_scope ON notes (story, guild_id, claim_id, id);
        ALTER TABLE feedback ADD COLUMN story TEXT NOT NULL DEFAULT 'default';
        ALTER TABLE drafts ADD COLUMN story TEXT NOT NULL DEFAULT 'default';
        ALTER TABLE drafts ADD COLUMN guild_id INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE digest_subscriptions ADD COLUMN story TEXT NOT NULL DEFAULT 'default';

        -- The story a server (channel_id 0) or one of its channels answers from.
        CREATE TABLE story_defaults (
            guild_id   INTEGER NOT NULL CHECK (guild_id > 0),
            channel_id INTEGER NOT NULL DEFAULT 0 CHECK (channel_id >= 0),
            story      TEXT    NOT NULL CHECK (length(story) > 0),
            set_by     TEXT    NOT NULL CHECK (length(set_by) > 0),
            set_at     TEXT    NOT NULL,
            PRIMARY KEY (guild_id, channel_id)
        );
        """,
    ),
    Migration(
        5,
        "ingest: verdict-change alerts, each posted once per digest channel",
        """
        -- One row per alert and channel, written (content fixed) before it is sent; its id
        -- makes the message nonce, so a retry after a crash never posts it twice.
        CREATE TABLE ingest_alerts (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            key        TEXT    NOT NULL CHECK (length(key) > 0),
            guild_id   INTEGER,
            channel_id INTEGER NOT NULL CHECK (channel_id > 0),
            content    TEXT    NOT NULL CHECK (length(content) > 0),
            state      TEXT    NOT NULL DEFAULT 'pending'
                               CHECK (state IN ('pending', 'sent', 'failed')),
            attempts   INTEGER NOT NULL DEFAULT 0,
            last_error TEXT    NOT NULL DEFAULT '',
            created_at TEXT    NOT NULL,
            sent_at    TEXT,
            message_id INTEGER,
            UNIQUE (key, channel_id)
        );
        CREATE INDEX ingest_alerts_pending ON ingest_alerts (state, id);
        """,
    ),
    Migration(
        6,
        "ingest: the same text is drafted once per story and server, not once per database",
        """
        -- SQLite cannot drop a column's UNIQUE: drafts is rebuilt with the columns and
        -- CHECKs it has since migration 4 and UNIQUE (story, guild_id, text_sha256).
        -- The runner's transaction holds foreign_keys on, so the key from draft_decisions
        -- is checked at commit instead (defer_foreign_keys, reset by the commit). The rows
        -- wait in drafts_v5 while drafts is dropped and made again under its own name:
        -- draft_decisions' REFERENCES drafts (id) resolves to the new table, and putting
        -- each row back clears what the drop counted. A row left out fails the commit.
        PRAGMA defer_foreign_keys = ON;
        CREATE TABLE drafts_v5 AS
            SELECT id, text_sha256, claimset, name, payload, state, created_by, created_at,
                   story, guild_id
            FROM drafts;
        DROP TABLE drafts;
        CREATE TABLE drafts (
            id          TEXT    PRIMARY KEY CHECK (length(id) > 0),
            text_sha256 TEXT    NOT NULL,
            claimset    TEXT    NOT NULL,
            name        TEXT    NOT NULL DEFAULT '',
            payload     TEXT    NOT NULL,
            state       TEXT    NOT NULL DEFAULT 'open'
                                CHECK (state IN ('open', 'accepted', 'rejected', 'partial')),
            created_by  TEXT    NOT NULL DEFAULT '',
            created_at  TEXT    NOT NULL,
            story       TEXT    NOT NULL DEFAULT 'default',
            guild_id    INTEGER NOT NULL DEFAULT 0,
            UNIQUE (story, guild_id, text_sha256)
        );
        INSERT INTO drafts (id, text_sha256, claimset, name, payload, state, created_by,
                            created_at, story, guild_id)
            SELECT id, text_sha256, claimset, name, payload, state, created_by, created_at,
                   story, guild_id
            FROM drafts_v5 ORDER BY rowid;
        DROP TABLE drafts_v5;
        """,
    ),
]


def schema_version() -> int:
    """The user_version this build of Factdesk writes."""
    return latest_version(MIGRATIONS)


def check_migrations() -> None:
    """Migration N is at index N-1, with no gap: raise AssertionError otherwise."""
    check_order(MIGRATIONS)


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (triggers keep their inner ``;``)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
