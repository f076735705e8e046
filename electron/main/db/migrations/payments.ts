import type { Migration } from '../connection';

/** Payments: versions 200-299. */
export const paymentMigrations: readonly Migration[] = [
  {
    version: 200,
    name: 'payment attempts and their idempotency keys',
    up: (db) => {
      db.exec(`
        -- One row per payment page opened. Its keys are derived from its id and stored before use.
        CREATE TABLE payment_attempts (
          id TEXT PRIMARY KEY,
          customer_id TEXT NOT NULL,
          invoice_id TEXT NOT NULL,
          invoice_number TEXT,
          currency TEXT NOT NULL,
          -- What was still due when the page opened: the offline check for a queued payment.
          invoice_remaining INTEGER NOT NULL,
          channel TEXT NOT NULL CHECK (channel IN ('kiosk', 'guest', 'desk')),
          station_id TEXT NOT NULL,
          staff_id TEXT,
          payment_intent_id TEXT UNIQUE,
          status TEXT NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'sending', 'queued', 'succeeded', 'processing', 'requires_verification', 'failed', 'canceled', 'unknown')),
          outcome_json TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX payment_attempts_customer ON payment_attempts (customer_id, created_at DESC);
        -- Every request that moves money, with the idempotency key it used, written before it is sent.
        CREATE TABLE payment_steps (
          attempt_id TEXT NOT NULL REFERENCES payment_attempts (id),
          step INTEGER NOT NULL,
          kind TEXT NOT NULL,
          idempotency_key TEXT NOT NULL UNIQUE,
          amount INTEGER NOT NULL CHECK (amount > 0),
          payment_method_id TEXT,
          -- The exact parameters of the intent this step creates, so a crash can replay it with the same key.
          create_params TEXT,
          result TEXT,
          created_at INTEGER NOT NULL,
          finished_at INTEGER,
          PRIMARY KEY (attempt_id, step)
        );
      `);
    },
  },
];
