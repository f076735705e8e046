/** The desk's services as its IPC handlers see them (built in desk/index.ts). */
import type { EventHub } from '../ipc/events';
import type { AuditLog } from '../services/audit/audit-log';
import type { Clock } from '../services/clock';
import type { CardPresentPayments } from '../services/desk-payments/card-present';
import type { DrawerPrinter } from '../services/drawer/drawer-printer';
import type { DrawerService } from '../services/drawer/drawer-service';
import type { DeskReceipts } from '../services/desk-payments/desk-receipts';
import type { KioskReceipts } from '../services/desk-payments/kiosk-receipts';
import type { DeskLedger } from '../services/desk-payments/ledger';
import type { OfflinePayments } from '../services/desk-payments/offline-payments';
import type { StationReaders } from '../services/desk-payments/readers';
import type { AppError } from '../services/errors';
import type { HelpService } from '../services/handoff/help-service';
import type { LocalStore } from '../services/local-store/local-store';
import type { LookupService } from '../services/lookup/lookup-service';
import type { Outbox } from '../services/outbox/outbox';
import type { RefundsService } from '../services/refunds/refunds-service';
import type { ReportPrinter } from '../services/reports/report-printer';
import type { ReportService } from '../services/reports/report-service';
import type { SessionRegistry } from '../services/session/session-registry';
import type { StaffService } from '../services/staff/staff-service';

export interface DeskServices {
  staff: StaffService;
  audit: AuditLog;
  sessions: SessionRegistry;
  events: EventHub;
  clock: Clock;
  lookup: LookupService;
  localStore: LocalStore;
  readers: StationReaders;
  card: CardPresentPayments;
  offline: OfflinePayments;
  refunds: RefundsService;
  ledger: DeskLedger;
  receipts: DeskReceipts;
  kioskReceipts: KioskReceipts;
  reports: ReportService;
  reportPrinter: ReportPrinter;
  help: HelpService;
  /** This station's cash drawer and its close report. */
  drawer: DrawerService;
  drawerReports: DrawerPrinter;
  drawerVarianceLimit: () => number;
  outbox: Outbox;
  stationId: () => string;
  businessName: () => string;
  /** Raised when a staff-only handler runs without a staff member in the session (cannot happen past the role check). */
  noStaff: () => AppError;
}
