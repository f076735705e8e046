/** Desk IPC: staff sign-in / sign-out, the first manager, adding and disabling staff, the audit log. */
import type { StaffMember } from '../../shared/contract-desk';
import type { DeskServices } from '../desk/services';
import type { CallContext, Handlers } from './dispatcher';

type StaffHandlers = Pick<
  Handlers,
  | 'deskSetupStatus'
  | 'deskCreateFirstManager'
  | 'deskSignIn'
  | 'deskSignOut'
  | 'deskAddStaff'
  | 'deskListStaff'
  | 'deskSetStaffActive'
  | 'deskAudit'
>;

/** The signed-in staff member's id (the dispatcher has already checked the role). */
export function staffIdOf(s: Pick<DeskServices, 'noStaff'>, ctx: CallContext): string {
  if (!ctx.session.staffId) throw s.noStaff();
  return ctx.session.staffId;
}

export function deskStaffHandlers(s: DeskServices): StaffHandlers {
  const session = (staff: StaffMember) => ({ staff, stationId: s.stationId() });
  return {
    deskSetupStatus: async () => ({ hasStaff: s.staff.hasStaff() }),
    deskCreateFirstManager: async (req, ctx) => {
      const staff = await s.staff.createFirstManager(req.name, req.pin);
      s.audit.record({ action: 'staff.first_manager', staffId: staff.id, subjectId: staff.id });
      s.sessions.signInStaff(ctx.callerId, staff.id, staff.role);
      s.audit.record({ action: 'staff.sign_in', staffId: staff.id });
      return session(staff);
    },
    deskSignIn: async (req, ctx) => {
      const check = await s.staff.checkPin({ staffId: req.staffId, name: req.name }, req.pin);
      if (!check.ok) {
        s.audit.record({
          action: check.error.code === 'locked' ? 'staff.locked' : 'staff.pin_failed',
          staffId: check.staff?.id ?? null,
          detail: check.staff ? null : { name: (req.name ?? req.staffId ?? '').slice(0, 80) },
        });
        throw check.error;
      }
      s.sessions.signInStaff(ctx.callerId, check.staff.id, check.staff.role);
      s.audit.record({ action: 'staff.sign_in', staffId: check.staff.id });
      return session(check.staff);
    },
    deskSignOut: async (_req, ctx) => {
      const ended = s.sessions.end(ctx.callerId);
      s.audit.record({ action: 'staff.sign_out', staffId: ended?.staffId ?? null });
      s.events.emit(ctx.callerId, 'sessionEnded', { reason: 'signed_out' });
      return { signedOut: true };
    },
    deskAddStaff: async (req, ctx) => {
      const by = staffIdOf(s, ctx);
      const staff = await s.staff.add(req.name, req.pin, req.role, by);
      s.audit.record({ action: 'staff.added', staffId: by, subjectId: staff.id, detail: { name: staff.name, role: staff.role } });
      return staff;
    },
    deskListStaff: async () => ({ staff: s.staff.list() }),
    deskSetStaffActive: async (req, ctx) => {
      const by = staffIdOf(s, ctx);
      const staff = s.staff.setActive(req.staffId, req.active);
      s.audit.record({
        action: req.active ? 'staff.enabled' : 'staff.disabled',
        staffId: by,
        subjectId: staff.id,
        detail: { name: staff.name },
      });
      return staff;
    },
    deskAudit: async (req) => ({ entries: s.audit.list(req.limit, req.before) }),
  };
}
