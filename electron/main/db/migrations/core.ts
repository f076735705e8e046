import type { Migration } from '../connection';

/** Core tables: versions 1-99. */
export const coreMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'portal accounts, lockouts, key-value state',
    up: (db) => {
      db.exec(`
        CREATE TABLE portal_accounts (
          email TEXT PRIMARY KEY COLLATE NOCASE,
          customer_id TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX portal_accounts_customer ON portal_accounts (customer_id);
        -- Wrong-attempt counters for anything that locks (portal sign-in, guest pay, staff PIN).
        CREATE TABLE lockouts (
          subject TEXT PRIMARY KEY,
          failed_attempts INTEGER NOT NULL DEFAULT 0,
          locked_until INTEGER
        );
        CREATE TABLE kv (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        );
      `);
    },
  },
];
