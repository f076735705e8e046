/**
 * Builds the main-process services in dependency order. Plain Node (no 'electron' import) so the
 * Electron main process and the browser preview run the very same wiring.
 */
import { join } from 'node:path';
import type { AppInfo } from '../shared/contract';
import { openDatabase, sqliteBinding, type Db } from './db/connection';
import { appMigrations } from './db/migrations';
import { appHandlers } from './ipc/app';
import { Dispatcher } from './ipc/dispatcher';
import { EventHub } from './ipc/events';
import { invoiceHandlers } from './ipc/invoices';
import { createDesk, type DeskPorts } from './desk';
import { paymentHandlers } from './ipc/payments';
import { sessionHandlers } from './ipc/session';
import { AccountsService } from './services/accounts/accounts-service';
import { systemClock, type Clock } from './services/clock';
import type { CrashPoint } from './services/crash-points';
import { Outbox, type OutboxHandler, type OutboxKind } from './services/outbox/outbox';
import { ConnectivityMonitor } from './services/sync/connectivity';
import { SyncService } from './services/sync/sync-service';
import { InvoicesService } from './services/invoices/invoices-service';
import { LocalStore } from './services/local-store/local-store';
import { LookupService } from './services/lookup/lookup-service';
import { Lockouts } from './services/lockouts';
import { receiptMailPort } from './services/receipts/smtp-mailer';
import { InvoiceClaims } from './services/payments/invoice-guard';
import { PaymentLedger } from './services/payments/ledger';
import { GuestAccess } from './services/payments/guest-access';
import { HistoryService } from './services/payments/history-service';
import { localPaymentSummaries, OFFLINE_METHODS } from './services/local-store/summaries';
import { MethodsService } from './services/payments/methods-service';
import { PaymentsService } from './services/payments/payments-service';
import type { Logger } from './services/logger';
import { SessionRegistry } from './services/session/session-registry';
import type { SettingsService } from './services/settings/settings-service';
import { demoSignIns, loadDemoData } from './services/training/demo-data';
import { DemoSeeder } from './services/training/demo-seeder';
import { StripeSandbox } from '../../packages/stripe-sandbox/src';
import { StripeGateway, type StripeEndpoint } from './stripe/gateway';
import { TerminalGateway } from './stripe/terminal-gateway';

export interface KioskOptions {
  /** Where the app keeps its SQLite files (and, in training mode, the sandbox's). */
  dataDir: string;
  /** resources/ (demo data, receipt logo). */
  resourcesDir: string;
  settings: SettingsService;
  log: Logger;
  version: string;
  clock?: Clock;
  /**
   * Tests only: use a Stripe stand-in that runs outside this process (so it outlives a killed child).
   * Honoured with test keys only; a live key always talks to Stripe itself.
   */
  stripeEndpoint?: StripeEndpoint;
  crashPoint?: CrashPoint;
  /**
   * Outside-world ports only Electron has (the operating system's printer). E-mail comes from the
   * `smtp` setting (or, in training mode without it, the training mail drop) unless given here.
   */
  ports?: DeskPorts;
}

export interface Kiosk {
  readonly dispatcher: Dispatcher;
  readonly events: EventHub;
  readonly sessions: SessionRegistry;
  readonly trainingMode: boolean;
  readonly db: Db;
  /** Training mode: where the offline Stripe sandbox listens (for tests and the admin switches). */
  readonly sandboxUrl: string | null;
  readonly outbox: Outbox;
  readonly connectivity: ConnectivityMonitor;
  readonly sync: SyncService;
  appInfo(): AppInfo;
  /** Ends a window's session (e.g. on reload) and closes the payment pages it left unpaid. */
  endSession(callerId: string): void;
  stop(): Promise<void>;
}

/** The training sandbox accepts any well-formed test key; this one never leaves the machine. */
const TRAINING_KEY = 'sk_test_trainingModeOfflineSandbox';

export async function startKiosk(opts: KioskOptions): Promise<Kiosk> {
  const clock = opts.clock ?? systemClock;
  // Before anything opens: a malformed key stops the start (it never means training mode).
  const secretKey = opts.settings.stripeSecretKey();
  const db = openDatabase(join(opts.dataDir, 'kiosk.db'), appMigrations);
  const trainingMode = !secretKey;

  let sandbox: StripeSandbox | null = null;
  let endpoint: StripeEndpoint | undefined;
  let sandboxUrl: string | null = null;
  if (opts.stripeEndpoint && secretKey?.startsWith('sk_test_')) {
    endpoint = opts.stripeEndpoint;
  } else if (trainingMode) {
    sandbox = new StripeSandbox({ dbPath: join(opts.dataDir, 'training', 'stripe-sandbox.db'), nativeBinding: sqliteBinding() });
    const { host, port, url } = await sandbox.start(0);
    sandboxUrl = url;
    endpoint = { host, port, protocol: 'http' };
    opts.log.info('training mode: offline Stripe sandbox started', { port });
  }

  // The gateway tells the monitor about every call; the monitor is created first and given the probe after.
  let probe: () => Promise<void> = async () => {};
  const connectivity = new ConnectivityMonitor({ probe: () => probe(), clock, log: opts.log });
  const gateway = new StripeGateway({
    secretKey: secretKey ?? TRAINING_KEY,
    endpoint,
    clock,
    onReachability: (ok) => connectivity.report(ok),
  });
  probe = () => gateway.ping();
  const sessions = new SessionRegistry(clock);
  const events = new EventHub();
  const lockouts = new Lockouts(db, clock);
  const accounts = new AccountsService(db, clock, lockouts);
  const guests = new GuestAccess(gateway, lockouts);
  const localStore = new LocalStore(db, clock);
  const invoices = new InvoicesService(gateway, clock, localStore);
  const senders: Partial<Record<OutboxKind, OutboxHandler>> = {};
  const outbox = new Outbox({
    db,
    clock,
    handlers: senders,
    limits: () => ({ maxPerPayment: opts.settings.get().offlineMaxPayment, maxTotalWaiting: opts.settings.get().offlineMaxTotal }),
    online: () => connectivity.state === 'online',
    log: opts.log,
    ...(opts.crashPoint ? { crashPoint: opts.crashPoint } : {}),
  });
  // The one payment ledger and the station's per-invoice claims, shared by the kiosk and the desk.
  const ledger = new PaymentLedger(db, clock);
  const claims = new InvoiceClaims();
  const payments = new PaymentsService({
    gateway,
    ledger,
    claims,
    clock,
    log: opts.log,
    trainingMode,
    stationId: () => opts.settings.get().stationId,
    publishableKey: () => opts.settings.get().stripePublishableKey ?? null,
    outbox,
    localCopy: localStore,
    online: () => connectivity.state === 'online',
    onSettled: (paymentId, outcome) => {
      const callerId = sessions.callerOf(paymentId);
      if (callerId) events.emit(callerId, 'paymentSettled', outcome);
    },
    ...(opts.crashPoint ? { crashPoint: opts.crashPoint } : {}),
  });
  senders.saved_method_charge = payments.queuedChargeSender();
  const methods = new MethodsService(gateway, localStore);
  const history = new HistoryService(gateway, clock, (customerId) => localPaymentSummaries(localStore, customerId, OFFLINE_METHODS));

  const terminalGateway = new TerminalGateway({
    secretKey: secretKey ?? TRAINING_KEY,
    endpoint,
    clock,
    onReachability: (ok) => connectivity.report(ok),
  });
  const lookup = new LookupService(db);
  const email =
    opts.ports?.email ??
    receiptMailPort({
      smtp: opts.settings.get().smtp,
      trainingMode,
      dataDir: opts.dataDir,
      clock,
      fromName: () => opts.settings.get().businessName,
      log: opts.log,
    });
  const desk = createDesk(
    {
      db,
      clock,
      log: opts.log,
      settings: opts.settings,
      gateway,
      terminalGateway,
      sessions,
      events,
      outbox,
      senders,
      payments,
      ledger,
      claims,
      localStore,
      lookup,
      trainingMode,
    },
    { ...opts.ports, ...(email ? { email } : {}) },
  );

  const demo = trainingMode ? loadDemoData(join(opts.resourcesDir, 'training', 'demo-data.json')) : null;
  const seeder = new DemoSeeder({ db, gateway, accounts, clock, log: opts.log });
  if (demo) await seeder.seed(demo);
  // Anything sent but never recorded before the last stop (a crash, a lost answer) is settled now,
  // then the queue picks up where it was.
  await desk.start();
  outbox.recover();
  await payments
    .reconcileAll()
    .catch((err: unknown) => opts.log.warn('reconciling payments failed; will retry on the next payment', { error: String(err) }));
  // After the queue sent something, bring the local copy up to date (invoices, payments).
  // Once stopping, nothing new starts: timers, reconnects and finished passes schedule no more work.
  let stopping = false;
  const drain = () => {
    if (stopping) return;
    outbox
      .drain()
      .then((r) => r.sent > 0 && refresh())
      .catch((err: unknown) => opts.log.error('outbox pass failed', { error: String(err) }));
  };
  const sync = new SyncService({
    feed: gateway.feed,
    store: localStore,
    clock,
    log: opts.log,
    methodsFor: async (customerId) => (await gateway.listSavedMethods(customerId)).methods,
  });
  let syncing = false;
  const connectivityView = () => {
    const counts = outbox.counts();
    return {
      state: connectivity.state,
      since: connectivity.since,
      waiting: counts.queued + counts.sending,
      syncing,
      lastSyncAt: localStore.getSyncState().lastSyncAt,
    };
  };
  const refresh = () => {
    if (syncing || stopping) return;
    syncing = true;
    events.broadcast('connectivityChanged', connectivityView());
    sync
      .runOnce()
      .catch((err: unknown) => opts.log.warn('sync did not finish; will try again', { error: String(err) }))
      .finally(() => {
        syncing = false;
        events.broadcast('connectivityChanged', connectivityView());
      });
  };
  connectivity.onChange((state) => {
    events.broadcast('connectivityChanged', connectivityView());
    if (state === 'online') {
      drain();
      refresh();
    }
  });
  connectivity.start();
  const drainTimer = setInterval(drain, 15_000);
  drainTimer.unref();
  const syncTimer = setInterval(() => connectivity.state === 'online' && refresh(), 60_000);
  syncTimer.unref();
  drain();
  refresh();

  const appInfo = (): AppInfo => {
    const s = opts.settings.get();
    return {
      version: opts.version,
      trainingMode,
      stationId: s.stationId,
      kiosk: s.kiosk,
      idleTimeoutSeconds: s.idleTimeoutSeconds,
      onScreenKeyboard: s.onScreenKeyboard,
      terminalDriver: s.terminalDriver,
      emailReceipts: Boolean(email),
      demoSignIns: demo ? demoSignIns(demo) : [],
      demoGuestInvoices: demo ? seeder.guestInvoices() : [],
    };
  };

  const abandon = (attemptIds: string[]) => {
    payments.abandon(attemptIds).catch((err: unknown) => opts.log.warn('closing unpaid payment pages failed', { error: String(err) }));
  };

  const dispatcher = new Dispatcher(
    {
      ...appHandlers(appInfo, connectivityView),
      ...sessionHandlers({
        accounts,
        guests,
        lockouts,
        sessions,
        gateway,
        store: localStore,
        events,
        onSessionEnd: abandon,
      }),
      ...invoiceHandlers(invoices),
      ...paymentHandlers({ payments, methods, history, gateway, sessions }),
      ...desk.handlers,
    },
    sessions,
    opts.log,
  );

  return {
    dispatcher,
    events,
    sessions,
    trainingMode,
    db,
    sandboxUrl,
    outbox,
    connectivity,
    sync,
    appInfo,
    endSession(callerId) {
      abandon(sessions.end(callerId)?.attemptIds ?? []);
    },
    async stop() {
      stopping = true;
      payments.reconciler.stop();
      clearInterval(drainTimer);
      clearInterval(syncTimer);
      connectivity.stop();
      await desk.stop();
      await outbox.idle();
      await sync.idle();
      await sandbox?.stop();
      db.close();
    },
  };
}
