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
  {
    version: 250,
    name: 'one payment ledger for kiosk and desk: payments, their allocations to invoices, their steps',
    up: (db) => {
      db.exec(`
        ALTER TABLE payment_steps RENAME TO payment_steps_v1;
        -- One row per customer action (a payment page, a desk payment), whatever the tender.
        CREATE TABLE payments (
          id TEXT PRIMARY KEY,
          channel TEXT NOT NULL CHECK (channel IN ('kiosk', 'guest', 'desk')),
          tender TEXT CHECK (tender IN ('saved_method', 'new_card', 'new_bank', 'element', 'reader', 'reader_js', 'cash', 'check')),
          customer_id TEXT NOT NULL,
          currency TEXT NOT NULL,
          amount INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
          -- Every idempotency key of the payment starts with it; committed with the row.
          key_base TEXT NOT NULL UNIQUE,
          status TEXT NOT NULL CHECK (status IN ('open', 'sending', 'waiting_for_card', 'capturing', 'queued', 'succeeded',
            'partially_succeeded', 'processing', 'requires_verification', 'failed', 'canceled', 'unknown', 'needs_review')),
          station_id TEXT NOT NULL,
          staff_id TEXT,
          reader_id TEXT,
          check_number TEXT,
          outbox_id TEXT,
          credit_id TEXT,
          method_json TEXT,
          receipt_json TEXT,
          code TEXT,
          message TEXT,
          outcome_json TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX payments_customer ON payments (customer_id, created_at DESC);
        CREATE INDEX payments_created ON payments (created_at);
        CREATE INDEX payments_outbox ON payments (outbox_id) WHERE outbox_id IS NOT NULL;
        -- Each invoice a payment pays (invoice_id NULL: the part that goes on account), with its Stripe object.
        CREATE TABLE payment_allocations (
          payment_id TEXT NOT NULL REFERENCES payments (id),
          seq INTEGER NOT NULL,
          invoice_id TEXT,
          invoice_number TEXT,
          invoice_remaining INTEGER NOT NULL,
          amount INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
          status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'authorized', 'succeeded', 'processing',
            'requires_verification', 'failed', 'released', 'canceled', 'unknown')),
          payment_intent_id TEXT UNIQUE,
          payment_record_id TEXT UNIQUE,
          attached INTEGER NOT NULL DEFAULT 0,
          outcome_json TEXT,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (payment_id, seq)
        );
        CREATE INDEX payment_allocations_invoice ON payment_allocations (invoice_id);
        -- Every request that moves money, with the idempotency key it used, written before it is sent.
        CREATE TABLE payment_steps (
          payment_id TEXT NOT NULL REFERENCES payments (id),
          step INTEGER NOT NULL,
          seq INTEGER,
          kind TEXT NOT NULL,
          idempotency_key TEXT NOT NULL UNIQUE,
          amount INTEGER NOT NULL CHECK (amount > 0),
          payment_method_id TEXT,
          create_params TEXT,
          result TEXT,
          result_ref TEXT,
          created_at INTEGER NOT NULL,
          finished_at INTEGER,
          PRIMARY KEY (payment_id, step)
        );
        CREATE INDEX payment_steps_unfinished ON payment_steps (created_at) WHERE finished_at IS NULL;

        -- The kiosk's payment attempts become payments with one allocation; their keys stay the same
        -- (kiosk:<id>:<kind>:<step>), so a step left unfinished is reconciled with the key it was sent with.
        INSERT INTO payments (id, channel, tender, customer_id, currency, amount, key_base, status, station_id, staff_id,
            method_json, outcome_json, created_at, updated_at)
          SELECT a.id, a.channel,
            CASE WHEN a.status = 'queued' THEN 'saved_method'
                 WHEN EXISTS (SELECT 1 FROM payment_steps_v1 s WHERE s.attempt_id = a.id AND s.kind = 'element') THEN 'element'
                 ELSE NULL END,
            a.customer_id, a.currency,
            COALESCE(json_extract(a.outcome_json, '$.amount'),
                     (SELECT s.amount FROM payment_steps_v1 s WHERE s.attempt_id = a.id ORDER BY s.step DESC LIMIT 1), 0),
            'kiosk:' || a.id, a.status, a.station_id, a.staff_id,
            json_extract(a.outcome_json, '$.method'), a.outcome_json, a.created_at, a.updated_at
          FROM payment_attempts a;
        INSERT INTO payment_allocations (payment_id, seq, invoice_id, invoice_number, invoice_remaining, amount, status,
            payment_intent_id, attached, outcome_json, updated_at)
          SELECT a.id, 1, a.invoice_id, a.invoice_number, a.invoice_remaining, p.amount,
            CASE a.status WHEN 'open' THEN 'pending' WHEN 'queued' THEN 'pending' ELSE a.status END,
            a.payment_intent_id, CASE WHEN a.payment_intent_id IS NULL THEN 0 ELSE 1 END, a.outcome_json, a.updated_at
          FROM payment_attempts a JOIN payments p ON p.id = a.id;
        INSERT INTO payment_steps (payment_id, step, seq, kind, idempotency_key, amount, payment_method_id, create_params,
            result, created_at, finished_at)
          SELECT attempt_id, step, 1, kind, idempotency_key, amount, payment_method_id, create_params, result, created_at, finished_at
          FROM payment_steps_v1;
        DROP TABLE payment_steps_v1;
        DROP TABLE payment_attempts;
      `);
    },
  },
];
