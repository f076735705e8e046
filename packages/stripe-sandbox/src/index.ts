/**
 * The offline Stripe stand-in: a real HTTP server on loopback that speaks enough of Stripe's API
 * for the unmodified `stripe` SDK (training mode, demos, tests). State lives in its own SQLite file.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerCharges } from './charges.js';
import { settle } from './confirm.js';
import { Ctx } from './context.js';
import { registerCustomerBalance } from './customer-balance.js';
import { registerCustomers } from './customers.js';
import { registerEvents } from './events.js';
import { registerInvoiceItems } from './invoice-items.js';
import { registerInvoicePayments } from './invoice-payments.js';
import { registerInvoices } from './invoices.js';
import { registerPaymentIntents } from './payment-intents.js';
import { registerPaymentMethods } from './payment-methods.js';
import { SandboxHttp, type OutageMode } from './server.js';
import { registerSetupIntents } from './setup-intents.js';
import { registerPaymentRecords } from './payment-records.js';
import { registerRefunds } from './refunds.js';
import { registerTerminalActions } from './terminal-actions.js';
import { registerTerminalLocations } from './terminal-locations.js';
import { registerTerminalReaders } from './terminal-readers.js';
import { Store } from './store.js';

export { ALL_TEST_PM_IDS } from './test-cards.js';
export { seedBulk, type BulkSeedOptions, type BulkSeedResult } from './bulk.js';
export type { OutageMode };

export interface SandboxOptions {
  dbPath: string;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  /** How long an ACH debit stays `processing` before it settles (default 3000 ms). */
  achSettlementMs?: number;
  /** Inside Electron: the better-sqlite3 build for Electron's ABI. */
  nativeBinding?: string;
}

export class StripeSandbox {
  private readonly opts: SandboxOptions;
  private store: Store | null = null;
  private ctx: Ctx | null = null;
  private http: SandboxHttp | null = null;
  private server: Server | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: SandboxOptions) {
    this.opts = opts;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<{ url: string; host: string; port: number }> {
    if (this.server) throw new Error('StripeSandbox already started');
    const store = new Store(this.opts.dbPath, this.opts.now ?? Date.now, this.opts.nativeBinding);
    const ctx = new Ctx(store, this.opts.achSettlementMs ?? 3000);
    for (const register of [
      registerCustomers,
      registerCustomerBalance,
      registerPaymentMethods,
      registerPaymentIntents,
      registerSetupIntents,
      registerCharges,
      registerInvoiceItems,
      registerInvoices,
      registerInvoicePayments,
      registerEvents,
      registerRefunds,
      registerPaymentRecords,
      registerTerminalLocations,
      registerTerminalReaders,
      registerTerminalActions,
    ])
      register(ctx);
    ctx.onSchedule = () => this.arm();
    const http = new SandboxHttp(ctx, { settleAll: () => this.settleDue(Number.MAX_SAFE_INTEGER) });
    this.store = store;
    this.ctx = ctx;
    this.http = http;
    // Anything that came due while we were stopped settles now.
    this.settleDue(store.nowMs());
    const server = createServer((req, res) => http.handle(req, res));
    server.keepAliveTimeout = 5000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.cleanup();
      throw err;
    }
    this.server = server;
    this.arm();
    const addr = server.address() as AddressInfo;
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return { url: `http://${shownHost}:${addr.port}`, host: addr.address, port: addr.port };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.http?.releaseHung();
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    this.cleanup();
  }

  private cleanup(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.store?.close();
    this.store = null;
    this.ctx = null;
    this.http = null;
  }

  /** Settles every scheduled ACH item due by `dueBy` (ms); returns how many. */
  private settleDue(dueBy: number): number {
    const { store, ctx } = this;
    if (!store || !ctx) return 0;
    let n = 0;
    for (const s of store.settlements(dueBy)) {
      try {
        store.tx(() => settle(ctx, s.intent_id, s.kind));
      } catch (err) {
        console.error(`stripe-sandbox: could not settle ${s.intent_id}:`, err instanceof Error ? err.message : err);
        store.tx(() => store.unschedule(s.intent_id));
      }
      n++;
    }
    return n;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const store = this.store;
    if (!store || !this.server) return;
    const next = store.settlements()[0];
    if (!next) return;
    const delay = Math.max(0, Math.min(next.due_at - store.nowMs(), 2_147_000_000));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.settleDue(store.nowMs());
      this.arm();
    }, delay);
    this.timer.unref();
  }
}
