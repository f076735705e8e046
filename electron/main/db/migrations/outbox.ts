import type { Migration } from '../connection';

/** The durable queue: versions 300-399. */
export const outboxMigrations: readonly Migration[] = [
  {
    version: 300,
    name: 'outbox',
    up: (db) => {
      db.exec(`
        CREATE TABLE outbox (
          id TEXT PRIMARY KEY,
          seq INTEGER NOT NULL UNIQUE,
          kind TEXT NOT NULL,
          -- Items for one customer are sent in the order they were queued.
          customer_id TEXT,
          payload TEXT NOT NULL,
          -- Written in the same transaction that creates the item, before any attempt.
          idempotency_key TEXT NOT NULL UNIQUE,
          amount INTEGER CHECK (amount IS NULL OR amount > 0),
          currency TEXT,
          state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'sending', 'succeeded', 'failed', 'needs_review', 'canceled')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          last_error TEXT,
          review_reason TEXT,
          result TEXT,
          created_by TEXT NOT NULL,
          station_id TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX outbox_ready ON outbox (state, next_attempt_at, seq);
        CREATE INDEX outbox_customer ON outbox (customer_id, seq);
        -- A customer's oldest unresolved item, in one index probe (the head of their line).
        CREATE INDEX outbox_unresolved ON outbox (customer_id, seq) WHERE state IN ('queued', 'sending', 'failed', 'needs_review');
      `);
    },
  },
];
