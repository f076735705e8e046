/**
 * The front desk's part of the main process: staff, audit, lookup, card-present, cash and check,
 * refunds, receipts, the queue screen and the end-of-day report. Built by the composition root with
 * the shared services; returns the handlers for the desk's contract entries.
 */
import type { deskEntries } from '../../shared/contract-desk';
import type { Db } from '../db/connection';
import type { Handlers } from '../ipc/dispatcher';
import type { EventHub } from '../ipc/events';
import { deskDrawerHandlers } from '../ipc/desk-drawer';
import { deskHelpHandlers } from '../ipc/desk-help';
import { deskLookupHandlers } from '../ipc/desk-lookup';
import { deskPaymentHandlers } from '../ipc/desk-payments';
import { deskQueueHandlers } from '../ipc/desk-queue';
import { deskReceiptHandlers } from '../ipc/desk-receipts';
import { deskReportHandlers } from '../ipc/desk-reports';
import { deskStaffHandlers } from '../ipc/desk-staff';
import { deskTerminalJsHandlers } from '../ipc/desk-terminal-js';
import { AuditLog } from '../services/audit/audit-log';
import type { Clock } from '../services/clock';
import { CardPresentPayments } from '../services/desk-payments/card-present';
import { CardPresentJsPayments } from '../services/desk-payments/card-present-js';
import { DeskReceipts } from '../services/desk-payments/desk-receipts';
import { KioskReceipts } from '../services/desk-payments/kiosk-receipts';
import { StripeReceipts } from '../services/desk-payments/stripe-receipts';
import { DeskLedger } from '../services/desk-payments/ledger';
import { OfflinePayments } from '../services/desk-payments/offline-payments';
import { StationReaders } from '../services/desk-payments/readers';
import { DrawerPrinter } from '../services/drawer/drawer-printer';
import { DRAWER_KICK } from '../services/drawer/drawer-report';
import { DrawerService } from '../services/drawer/drawer-service';
import { AppError } from '../services/errors';
import { HelpService } from '../services/handoff/help-service';
import type { LocalStore } from '../services/local-store/local-store';
import { Lockouts } from '../services/lockouts';
import type { LookupService } from '../services/lookup/lookup-service';
import type { Logger } from '../services/logger';
import type { Outbox, OutboxHandler, OutboxKind } from '../services/outbox/outbox';
import { decide, type InvoiceClaims } from '../services/payments/invoice-guard';
import { GatewayError } from '../stripe/errors';
import type { PaymentLedger } from '../services/payments/ledger';
import type { PaymentsService } from '../services/payments/payments-service';
import { networkPrinterPort } from '../services/receipts/network-printer';
import { printFailure, type PrintResult } from '../services/receipts/print-result';
import { intlLocaleFor } from '../services/receipts/receipt-model';
import { ReceiptsService, type ReceiptEmail } from '../services/receipts/receipts-service';
import { RefundsService } from '../services/refunds/refunds-service';
import { ReportPrinter } from '../services/reports/report-printer';
import { ReportService } from '../services/reports/report-service';
import type { SessionRegistry } from '../services/session/session-registry';
import type { SettingsService } from '../services/settings/settings-service';
import { StaffService } from '../services/staff/staff-service';
import { TerminalService } from '../services/terminal/terminal-service';
import type { StripeGateway } from '../stripe/gateway';
import type { TerminalGateway } from '../stripe/terminal-gateway';
import { invoiceMetadataHelpBoard } from './help-board';
import { stripeReportSource } from './report-source';
import type { DeskServices } from './services';

export interface DeskDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  settings: SettingsService;
  gateway: StripeGateway;
  terminalGateway: TerminalGateway;
  sessions: SessionRegistry;
  events: EventHub;
  outbox: Outbox;
  /** The outbox's senders by kind: the desk adds cash, check and receipt_print. */
  senders: Partial<Record<OutboxKind, OutboxHandler>>;
  payments: PaymentsService;
  /** The one payment ledger (the desk's payments are rows in it) and the station's per-invoice claims. */
  ledger: PaymentLedger;
  claims: InvoiceClaims;
  /** The local copy of customers, invoices, payments and saved-method summaries (kept fresh by the sync). */
  localStore: LocalStore;
  lookup: LookupService;
  trainingMode: boolean;
}

/** Ports that only exist in some hosts: the Electron OS printer (app/os-printer.ts), e-mail. */
export interface DeskPorts {
  osPrint?: (html: string, deviceName?: string) => Promise<PrintResult>;
  /** E-mailed receipts (services/receipts/smtp-mailer.ts: SMTP, or the training mail drop). */
  email?: (message: ReceiptEmail) => Promise<PrintResult>;
  /** How often the reader is polled during a payment (default 250 ms). */
  readerPollMs?: number;
}

const DEFAULT_LOCALE = 'en-US';
const DEFAULT_TIME_ZONE = 'America/Chicago';
/** Cents: a drawer count off by more than $5.00 needs a manager. */
const DEFAULT_DRAWER_VARIANCE_LIMIT = 500;

export type DeskHandlers = Pick<Handlers, keyof typeof deskEntries>;

export interface Desk {
  handlers: DeskHandlers;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createDesk(deps: DeskDeps, ports: DeskPorts = {}): Desk {
  const { db, clock, log, settings, gateway, terminalGateway, localStore } = deps;
  const stationId = () => settings.get().stationId;
  const staff = new StaffService({ db, clock, lockouts: new Lockouts(db, clock) });
  const staffName = (id: string) => staff.get(id)?.name ?? null;
  const audit = new AuditLog({ db, clock, stationId, staffName });
  const ledger = new DeskLedger(deps.ledger);
  const terminal = new TerminalService({
    gateway: terminalGateway,
    clock,
    trainingMode: deps.trainingMode,
    pollIntervalMs: ports.readerPollMs ?? 250,
    // The invoice guard: the authorized card is registered on the invoice, and captured only if it still takes it.
    invoiceGuard: async ({ invoiceId, paymentIntentId, amount }, key) => {
      const guarded = await gateway.registerIntent(invoiceId, paymentIntentId, key).catch((err: unknown) => {
        if (err instanceof GatewayError && err.kind === 'invalid' && (err.details.code ?? '').startsWith('invoice_')) return null;
        throw err;
      });
      const paymentId = deps.ledger.byIntent(paymentIntentId)?.id ?? '';
      return (
        guarded !== null &&
        decide(guarded, paymentIntentId, amount, Math.floor(clock.now() / 1000), deps.ledger.waitingFor(invoiceId, paymentId)).ok
      );
    },
    invoiceHasIntent: async (invoiceId, paymentIntentId) =>
      (await gateway.guardedInvoice(invoiceId))?.holds.some((h) => h.paymentIntentId === paymentIntentId) ?? false,
  });
  const readers = new StationReaders({ db, clock, terminal, locations: terminalGateway, stationId, trainingMode: deps.trainingMode });
  // terminalDriver 'js': the reader is driven by @stripe/terminal-js in the window; the money side is here.
  const cardJs = new CardPresentJsPayments({
    claims: deps.claims,
    terminal,
    ledger,
    audit,
    localStore,
    clock,
    log,
    stationId,
    staffName,
    invoice: (id) => gateway.retrieveInvoice(id),
  });
  const card = new CardPresentPayments({
    claims: deps.claims,
    terminal,
    ledger,
    readers,
    audit,
    localStore,
    clock,
    log,
    stationId,
    staffName,
    terminalJs: cardJs,
    invoice: (id) => gateway.retrieveInvoice(id),
    onChange: (view, callerId) => {
      if (callerId) deps.events.emit(callerId, 'deskPaymentUpdate', view);
    },
  });
  const offline = new OfflinePayments({
    claims: deps.claims,
    waitingFor: (invoiceId, except) => deps.ledger.waitingFor(invoiceId, except),
    db,
    clock,
    outbox: deps.outbox,
    ledger,
    audit,
    localStore,
    gateway,
    terminalGateway,
    stationId,
    staffName,
  });
  const receiptsService = new ReceiptsService({
    escpos: networkPrinterPort(),
    ...(ports.osPrint ? { os: ports.osPrint } : {}),
    ...(ports.email ? { email: ports.email } : {}),
    clock,
    settings: () => {
      const s = settings.get();
      const p = s.receiptPrinter ?? { kind: 'none' as const, host: '', port: 9100 };
      const printer =
        p.kind === 'network'
          ? { kind: 'network' as const, host: p.host, port: p.port }
          : p.kind === 'os'
            ? { kind: 'os' as const, ...(p.deviceName ? { deviceName: p.deviceName } : {}) }
            : { kind: 'none' as const };
      return { printer, locale: s.locale ?? DEFAULT_LOCALE, timeZone: s.timeZone ?? DEFAULT_TIME_ZONE };
    },
  });
  const business = () => {
    const s = settings.get();
    return { name: s.businessName, addressLines: s.businessAddressLines ?? [], phone: s.businessPhone ?? null };
  };
  const customer = (id: string) => localStore.getCustomer(id);
  const kioskReceipts = new KioskReceipts({
    ledger: deps.ledger,
    receipts: receiptsService,
    trainingMode: deps.trainingMode,
    business,
    customer,
    staffName,
  });
  const stripeReceipts = new StripeReceipts({
    gateway,
    trainingMode: deps.trainingMode,
    business,
    staffName,
    customer,
    invoice: (id) => localStore.getInvoice(id),
  });
  const receipts = new DeskReceipts({
    receipts: receiptsService,
    ledger,
    outbox: deps.outbox,
    audit,
    trainingMode: deps.trainingMode,
    emailConfigured: Boolean(ports.email),
    stationId,
    business,
    staffName,
    customer,
    kioskReceipt: (attemptId) => kioskReceipts.build(attemptId),
    kioskAttemptFor: (paymentIntentId) => kioskReceipts.byIntent(paymentIntentId),
    fromStripe: (paymentId) => (StripeReceipts.handles(paymentId) ? stripeReceipts.build(paymentId) : null),
  });
  const reports = new ReportService({
    source: stripeReportSource(gateway, terminalGateway),
    ledger,
    outbox: deps.outbox,
    stationId,
    timeZone: () => settings.get().timeZone ?? DEFAULT_TIME_ZONE,
    now: () => clock.now(),
    staffName,
  });
  const reportPrinter = new ReportPrinter({
    build: (date, scope) => reports.build(date, scope),
    print: (doc) => receiptsService.printDocument(doc),
    audit,
    clock,
    trainingMode: deps.trainingMode,
    businessName: () => settings.get().businessName,
    intlLocale: () => {
      try {
        return intlLocaleFor('en', settings.get().locale ?? DEFAULT_LOCALE);
      } catch {
        return DEFAULT_LOCALE; // a locale setting Intl does not know
      }
    },
  });
  const help = new HelpService({ db, clock, log, board: invoiceMetadataHelpBoard({ gateway }), localStore, stationId });

  const escpos = networkPrinterPort();
  const drawerVarianceLimit = () => settings.get().drawerVarianceLimit ?? DEFAULT_DRAWER_VARIANCE_LIMIT;
  const drawer = new DrawerService({
    db,
    clock,
    stationId,
    tenderPayments: (station, from, to) => ledger.tenderAtStation(station, from, to),
    audit,
    staffName,
    varianceLimit: drawerVarianceLimit,
    checkManager: async (name, pin) => {
      const check = await staff.checkPin({ name }, pin);
      if (!check.ok) return { ok: false, reason: 'drawer_manager_pin_wrong' };
      if (check.staff.role !== 'manager') return { ok: false, reason: 'drawer_approver_not_manager' };
      return { ok: true, staffId: check.staff.id, name: check.staff.name };
    },
    // The kick pulse goes to the network thermal printer (the drawer hangs off its kick port); an OS printer cannot send it.
    kick: async () => {
      const p = settings.get().receiptPrinter;
      if (p?.kind !== 'network') return printFailure('no_printer', 'No network receipt printer: open the drawer by hand.');
      return escpos(DRAWER_KICK, { host: p.host, port: p.port });
    },
  });
  const drawerReports = new DrawerPrinter({
    print: (doc) => receiptsService.printDocument(doc),
    audit,
    clock,
    head: () => {
      const s = settings.get();
      let intlLocale = DEFAULT_LOCALE;
      try {
        intlLocale = intlLocaleFor('en', s.locale ?? DEFAULT_LOCALE);
      } catch {
        // a locale setting Intl does not know
      }
      return { businessName: s.businessName, intlLocale, timeZone: s.timeZone ?? DEFAULT_TIME_ZONE, training: deps.trainingMode };
    },
  });

  deps.senders.cash = offline.sender();
  deps.senders.check = offline.sender();
  deps.senders.receipt_print = receipts.sender();

  const refunds = new RefundsService({
    gateway: terminalGateway,
    db,
    clock,
    // A card payment on account this station took but has not credited yet: Retry first, then refund.
    creditPending: (paymentIntentId) => {
      const p = ledger.byIntent(paymentIntentId);
      return p !== null && p.invoiceId === null && p.status === 'succeeded' && !p.attached;
    },
  });

  const services: DeskServices = {
    staff,
    audit,
    sessions: deps.sessions,
    events: deps.events,
    clock,
    lookup: deps.lookup,
    localStore,
    readers,
    card,
    offline,
    refunds,
    ledger,
    receipts,
    kioskReceipts,
    reports,
    reportPrinter,
    help,
    drawer,
    drawerReports,
    drawerVarianceLimit,
    outbox: deps.outbox,
    stationId,
    businessName: () => settings.get().businessName,
    noStaff: () => AppError.because('desk_sign_in_required'),
  };
  const handlers: DeskHandlers = {
    ...deskStaffHandlers(services),
    ...deskLookupHandlers(services),
    ...deskPaymentHandlers(services),
    ...deskReceiptHandlers(services),
    ...deskReportHandlers(services),
    ...deskHelpHandlers(services),
    ...deskQueueHandlers(services),
    ...deskDrawerHandlers(services),
    ...deskTerminalJsHandlers({
      terminal,
      audit,
      noStaff: services.noStaff,
      readers,
      payments: cardJs,
      driver: () => settings.get().terminalDriver,
    }),
  };

  return {
    handlers,
    async start() {
      const interrupted = card.markInterrupted();
      // Refunds whose answer a restart lost: settled from Stripe, or closed as not sent.
      await refunds
        .reconcile()
        .then((r) => {
          if (r.settled + r.notSent > 0) log.warn('refunds interrupted by a restart were settled from Stripe', r);
        })
        .catch((err: unknown) => log.warn('refunds not reconciled yet', { error: err instanceof Error ? err.message : String(err) }));
      if (interrupted > 0) log.warn('desk card payments interrupted by a restart; staff can retry them', { count: interrupted });
      // The training reader needs the sandbox; a failure here must not stop the station from starting.
      await readers
        .ensureTraining()
        .catch((err: unknown) => log.warn('training reader not ready', { error: err instanceof Error ? err.message : String(err) }));
    },
    async stop() {
      await card.shutdown();
    },
  };
}
