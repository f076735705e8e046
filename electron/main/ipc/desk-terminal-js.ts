/**
 * Desk IPC for deployments that use `@stripe/terminal-js` in the renderer: the SDK's
 * `onFetchConnectionToken` asks main for a Terminal connection token (the secret key stays in main).
 */
import type { AuditLog } from '../services/audit/audit-log';
import type { TerminalService } from '../services/terminal/terminal-service';
import type { DeskServices } from '../desk/services';
import type { Handlers } from './dispatcher';
import { staffIdOf } from './desk-staff';

export interface TerminalJsDeps {
  terminal: Pick<TerminalService, 'createConnectionToken'>;
  audit: Pick<AuditLog, 'record'>;
  noStaff: DeskServices['noStaff'];
}

export function deskTerminalJsHandlers(s: TerminalJsDeps): Pick<Handlers, 'deskTerminalConnectionToken'> {
  return {
    deskTerminalConnectionToken: async (_req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      const { secret } = await s.terminal.createConnectionToken();
      s.audit.record({ action: 'terminal.connection_token', staffId });
      return { secret };
    },
  };
}
