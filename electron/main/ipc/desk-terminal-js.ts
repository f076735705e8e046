/**
 * Desk IPC for stations that drive the reader from the renderer with `@stripe/terminal-js`
 * (`terminalDriver: 'js'`): the SDK's connection tokens (`onFetchConnectionToken`), the station's
 * remembered reader, and the payment's money side (create the intent, capture, cancel), which stays
 * in main with the server-driven flow's rules. The secret key never leaves main.
 */
import type { AuditLog } from '../services/audit/audit-log';
import type { CardPresentJsPayments } from '../services/desk-payments/card-present-js';
import type { StationReaders } from '../services/desk-payments/readers';
import { AppError } from '../services/errors';
import type { TerminalService } from '../services/terminal/terminal-service';
import type { DeskServices } from '../desk/services';
import type { Handlers } from './dispatcher';
import { staffIdOf } from './desk-staff';

export interface TerminalJsDeps {
  terminal: Pick<TerminalService, 'createConnectionToken'>;
  audit: Pick<AuditLog, 'record'>;
  noStaff: DeskServices['noStaff'];
  readers: Pick<StationReaders, 'chosenJs' | 'chooseJs'>;
  payments: Pick<CardPresentJsPayments, 'create' | 'capture' | 'cancel'>;
  /** The station's `terminalDriver` setting. */
  driver: () => 'server' | 'js';
}

type TerminalJsHandlers = Pick<
  Handlers,
  | 'deskTerminalConnectionToken'
  | 'deskTerminalJsReader'
  | 'deskChooseTerminalJsReader'
  | 'deskCreateTerminalJsPayment'
  | 'deskCaptureTerminalJsPayment'
  | 'deskCancelTerminalJsPayment'
>;

export function deskTerminalJsHandlers(s: TerminalJsDeps): TerminalJsHandlers {
  return {
    deskTerminalConnectionToken: async (_req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      const { secret } = await s.terminal.createConnectionToken();
      s.audit.record({ action: 'terminal.connection_token', staffId });
      return { secret };
    },
    deskTerminalJsReader: async () => ({ chosenReaderId: s.readers.chosenJs() }),
    deskChooseTerminalJsReader: async (req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      s.readers.chooseJs(req.readerId);
      s.audit.record({ action: 'reader.chosen', staffId, subjectId: req.readerId, detail: { driver: 'js' } });
      return { chosenReaderId: req.readerId };
    },
    deskCreateTerminalJsPayment: async (req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      if (s.driver() !== 'js') {
        throw AppError.because('reader_driver_mismatch');
      }
      return s.payments.create(req, staffId);
    },
    deskCaptureTerminalJsPayment: async (req, ctx) => {
      staffIdOf(s, ctx);
      return s.payments.capture(req.attemptId);
    },
    deskCancelTerminalJsPayment: async (req, ctx) => s.payments.cancel(req.attemptId, staffIdOf(s, ctx)),
  };
}
