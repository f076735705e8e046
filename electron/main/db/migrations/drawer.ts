import type { Migration } from '../connection';

/**
 * Cash drawer sessions per station (in the desk range, 400-499). Cash sales are read from the payment
 * ledger (payments with tender cash or check at this station while the drawer was open); the drawer
 * keeps only what the ledger does not know: the float, the tendered amounts and change of sales made
 * through it, paid-in, paid-out, "No sale", and the count at close.
 */
export const drawerMigrations: readonly Migration[] = [
  {
    version: 450,
    name: 'cash drawer sessions and their moves',
    up: (db) => {
      db.exec(`
        CREATE TABLE desk_drawers (
          id TEXT PRIMARY KEY,
          station_id TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
          currency TEXT NOT NULL,
          float_amount INTEGER NOT NULL CHECK (float_amount >= 0),
          opened_at INTEGER NOT NULL,
          opened_by TEXT NOT NULL,
          closed_at INTEGER,
          closed_by TEXT,
          approved_by TEXT,
          counts_json TEXT,
          counted_cash INTEGER,
          counted_checks INTEGER,
          expected_cash INTEGER,
          expected_checks INTEGER,
          variance_limit INTEGER
        );
        -- One open drawer per station.
        CREATE UNIQUE INDEX desk_drawers_open ON desk_drawers (station_id) WHERE status = 'open';
        CREATE TABLE desk_drawer_moves (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          drawer_id TEXT NOT NULL REFERENCES desk_drawers (id),
          kind TEXT NOT NULL CHECK (kind IN ('sale', 'paid_in', 'paid_out', 'no_sale')),
          amount INTEGER NOT NULL,
          tendered INTEGER,
          change_given INTEGER,
          payment_id TEXT UNIQUE,
          reason TEXT,
          staff_id TEXT NOT NULL,
          at INTEGER NOT NULL
        );
        CREATE INDEX desk_drawer_moves_drawer ON desk_drawer_moves (drawer_id);
      `);
    },
  },
];
