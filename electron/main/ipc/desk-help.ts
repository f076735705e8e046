/** Kiosk → desk hand-off: "Get help" on the kiosk, the list and "resolved" at the desk. */
import type { DeskServices } from '../desk/services';
import type { Handlers } from './dispatcher';
import { staffIdOf } from './desk-staff';

export function deskHelpHandlers(s: DeskServices): Pick<Handlers, 'helpRequest' | 'deskHelpList' | 'deskResolveHelp'> {
  return {
    helpRequest: async (req, ctx) => s.help.request(req, ctx.session),
    deskHelpList: async () => ({ requests: await s.help.list() }),
    deskResolveHelp: async (req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      await s.help.resolve(req.id, staffId);
      s.audit.record({ action: 'help.resolved', staffId, subjectId: req.id });
      return { resolved: true };
    },
  };
}
