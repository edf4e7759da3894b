"""The PostgreSQL schema, as migrations frozen in literal SQL (the SQLite schema's twin).

``MIGRATIONS`` is an ordered list: migration N brings a database from schema version N-1
to N, and version N means the same tables and guarantees as SQLite's ``user_version`` N.
Append only: a migration that has shipped is never edited (tests pin the sha256 of each
one's SQL), and none is computed from live code. A change to the schema is a new
migration, in both ``bot/record/sqlite/migrations.py`` and here.

The version itself lives in ``factdesk_schema`` (one row), which the runner keeps.
"""

from __future__ import annotations

import logging

from bot.record.migration import Migration, check_order, latest_version

log = logging.getLogger(__name__)

# The table holding the schema version (PostgreSQL has no user_version).
VERSION_TABLE = "factdesk_schema"

# The CHECK lists in migration 1 are the editorial statuses of its release, written out;
# a new editorial status needs a migration that replaces the rulings CHECK constraints.
MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "editorial: rulings audit log, notes, feedback",
        """
        CREATE TABLE rulings (
            id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            claim_id  TEXT   NOT NULL CHECK (length(claim_id) > 0),
            status    TEXT   NOT NULL CONSTRAINT rulings_status_check
                             CHECK (status IN ('confirmed', 'false', 'in_review', 'misleading', 'clear')),
            previous  TEXT            CONSTRAINT rulings_previous_check
                             CHECK (previous IS NULL
                                    OR previous IN ('confirmed', 'false', 'in_review', 'misleading')),
            reason    TEXT   NOT NULL DEFAULT '',
            by_name   TEXT   NOT NULL CHECK (length(by_name) > 0),
            by_id     BIGINT,
            at        TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX rulings_by_claim ON rulings (claim_id, id);
        CREATE FUNCTION rulings_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'rulings is an append-only audit log'
                USING ERRCODE = 'restrict_violation';
        END;
        $$;
        CREATE TRIGGER rulings_append_only_rows BEFORE UPDATE OR DELETE ON rulings
            FOR EACH ROW EXECUTE FUNCTION rulings_append_only();
        CREATE TRIGGER rulings_append_only_truncate BEFORE TRUNCATE ON rulings
            FOR EACH STATEMENT EXECUTE FUNCTION rulings_append_only();

        CREATE TABLE notes (
            id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            claim_id  TEXT   NOT NULL CHECK (length(claim_id) > 0),
            text      TEXT   NOT NULL CHECK (length(text) > 0),
            by_name   TEXT   NOT NULL CHECK (length(by_name) > 0),
            by_id     BIGINT,
            at        TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX notes_by_claim ON notes (claim_id, id);

        CREATE TABLE feedback (
            id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind       TEXT   NOT NULL DEFAULT 'wrong_match',
            command    TEXT   NOT NULL,
            query      TEXT   NOT NULL,
            claim_id   TEXT,
            user_id    BIGINT,
            user_name  TEXT   NOT NULL DEFAULT '',
            guild_id   BIGINT,
            channel_id BIGINT,
            comment    TEXT   NOT NULL DEFAULT '',
            at         TIMESTAMPTZ NOT NULL
        );
        """,  # noqa: E501
    ),
    Migration(
        2,
        "digest: snapshots, subscriptions, runs (exactly once), sent messages",
        """
        -- The claim set as a digest run saw it: every record's content hash (the item
        -- set, shared by snapshots with the same content) and the rulings cursor.
        CREATE TABLE digest_snapshots (
            id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            claimset      TEXT   NOT NULL,
            items_hash    TEXT   NOT NULL,
            ruling_cursor BIGINT NOT NULL DEFAULT 0,
            taken_at      TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE digest_snapshot_items (
            items_hash TEXT NOT NULL,
            record     TEXT NOT NULL,
            hash       TEXT NOT NULL,
            PRIMARY KEY (items_hash, record)
        );

        CREATE TABLE digest_subscriptions (
            id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            guild_id        BIGINT,
            channel_id      BIGINT  NOT NULL UNIQUE CHECK (channel_id > 0),
            time            TEXT    NOT NULL,
            timezone        TEXT    NOT NULL,
            post_when_empty BOOLEAN NOT NULL,
            active          BOOLEAN NOT NULL DEFAULT true,
            active_from     TIMESTAMPTZ NOT NULL,
            baseline_snapshot_id BIGINT NOT NULL REFERENCES digest_snapshots (id),
            created_by      TEXT    NOT NULL,
            created_at      TIMESTAMPTZ NOT NULL,
            updated_at      TIMESTAMPTZ NOT NULL
        );

        -- One row per subscription and period, written before anything is sent.
        CREATE TABLE digest_runs (
            id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            subscription_id   BIGINT NOT NULL REFERENCES digest_subscriptions (id),
            period            DATE   NOT NULL,
            state             TEXT   NOT NULL CHECK (state IN
                                ('sending', 'sent', 'skipped', 'failed', 'abandoned')),
            payload           TEXT[] NOT NULL,
            snapshot_id       BIGINT NOT NULL REFERENCES digest_snapshots (id),
            since_snapshot_id BIGINT NOT NULL REFERENCES digest_snapshots (id),
            attempts          INTEGER NOT NULL DEFAULT 0,
            last_error        TEXT   NOT NULL DEFAULT '',
            started_at        TIMESTAMPTZ NOT NULL,
            finished_at       TIMESTAMPTZ,
            message_id        BIGINT,
            UNIQUE (subscription_id, period)
        );
        CREATE TABLE digest_messages (
            run_id     BIGINT  NOT NULL REFERENCES digest_runs (id),
            part       INTEGER NOT NULL CHECK (part >= 0),
            nonce      TEXT    NOT NULL,
            message_id BIGINT  NOT NULL,
            sent_at    TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (run_id, part)
        );
        """,
    ),
    Migration(
        3,
        "ingest: drafts of articles and the append-only record of who accepted what",
        """
        CREATE TABLE drafts (
            id          TEXT        PRIMARY KEY CHECK (length(id) > 0),
            text_sha256 TEXT        NOT NULL UNIQUE,
            claimset    TEXT        NOT NULL,
            name        TEXT        NOT NULL DEFAULT '',
            payload     TEXT        NOT NULL,
            state       TEXT        NOT NULL DEFAULT 'open'
                                    CHECK (state IN ('open', 'accepted', 'rejected', 'partial')),
            created_by  TEXT        NOT NULL DEFAULT '',
            created_at  TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE draft_decisions (
            id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            draft_id  TEXT        NOT NULL REFERENCES drafts (id),
            item      TEXT        NOT NULL,
            decision  TEXT        NOT NULL CHECK (decision IN ('accepted', 'rejected')),
            by_name   TEXT        NOT NULL CHECK (length(by_name) > 0),
            at        TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX draft_decisions_by_draft ON draft_decisions (draft_id, id);
        CREATE FUNCTION draft_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'draft_decisions is an append-only audit log';
        END;
        $$;
        CREATE TRIGGER draft_decisions_append_only_rows BEFORE UPDATE OR DELETE ON draft_decisions
            FOR EACH ROW EXECUTE FUNCTION draft_decisions_append_only();
        """,
    ),
    Migration(
        4,
        "stories: every record belongs to a story and a server; story defaults",
        """
        -- Rows from before stories belong to the story 'default' and to no server
        -- (guild_id 0: the desk-wide record, which every server of the story sees).
        ALTER TABLE rulings ADD COLUMN story TEXT NOT NULL DEFAULT 'default',
                            ADD COLUMN guild_id BIGINT NOT NULL DEFAULT 0;
        CREATE INDEX rulings_by_scope ON rulings (story, guild_id, claim_id, id);
        ALTER TABLE notes ADD COLUMN story TEXT NOT NULL DEFAULT 'default',
                          ADD COLUMN guild_id BIGINT NOT NULL DEFAULT 0;
        CREATE INDEX notes_by_scope ON notes (story, guild_id, claim_id, id);
        ALTER TABLE feedback ADD COLUMN story TEXT NOT NULL DEFAULT 'default';
        ALTER TABLE drafts ADD COLUMN story TEXT NOT NULL DEFAULT 'default',
                           ADD COLUMN guild_id BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE digest_subscriptions ADD COLUMN story TEXT NOT NULL DEFAULT 'default';

        -- The story a server (channel_id 0) or one of its channels answers from.
        CREATE TABLE story_defaults (
            guild_id   BIGINT NOT NULL CHECK (guild_id > 0),
            channel_id BIGINT NOT NULL DEFAULT 0 CHECK (channel_id >= 0),
            story      TEXT   NOT NULL CHECK (length(story) > 0),
            set_by     TEXT   NOT NULL CHECK (length(set_by) > 0),
            set_at     TIMESTAMPTZ NOT NULL,
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
            id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            key        TEXT        NOT NULL CHECK (length(key) > 0),
            guild_id   BIGINT,
            channel_id BIGINT      NOT NULL CHECK (channel_id > 0),
            content    TEXT        NOT NULL CHECK (length(content) > 0),
            state      TEXT        NOT NULL DEFAULT 'pending'
                                   CHECK (state IN ('pending', 'sent', 'failed')),
            attempts   INTEGER     NOT NULL DEFAULT 0,
            last_error TEXT        NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL,
            sent_at    TIMESTAMPTZ,
            message_id BIGINT,
            UNIQUE (key, channel_id)
        );
        CREATE INDEX ingest_alerts_pending ON ingest_alerts (state, id);
        """,
    ),
    Migration(
        6,
        "ingest: the same text is drafted once per story and server, not once per database",
        """
        -- drafts_text_sha256_key: the name PostgreSQL gave migration 3's column UNIQUE.
        ALTER TABLE drafts DROP CONSTRAINT drafts_text_sha256_key,
                           ADD CONSTRAINT drafts_scope_text_key
                               UNIQUE (story, guild_id, text_sha256);
        """,
    ),
]

# Every table the migrations create, for the integrity check.
TABLES = (
    "drafts", "draft_decisions", "story_defaults", "ingest_alerts",
    "rulings", "notes", "feedback", "digest_snapshots", "digest_snapshot_items",
    "digest_subscriptions", "digest_runs", "digest_messages",
)


def schema_version() -> int:
    """The schema version this build of Factdesk writes."""
    return latest_version(MIGRATIONS)


def check_migrations() -> None:
    """Migration N is at index N-1, with no gap: raise AssertionError otherwise."""
    check_order(MIGRATIONS)
