import type { Session } from '../../shared/contract';
import type { AccountsService } from '../services/accounts/accounts-service';
import { parsePayLink, type GuestAccess } from '../services/payments/guest-access';
import type { Lockouts } from '../services/lockouts';
import { canonicalInvoiceNumber } from '../../shared/invoice-number';
import type { CallerSession, SessionRegistry } from '../services/session/session-registry';
import type { StripeGateway } from '../stripe/gateway';
import type { LocalStore } from '../services/local-store/local-store';
import { onlineOr } from '../services/offline';
import { AppError } from '../services/errors';
import type { EventHub } from './events';
import type { Handlers } from './dispatcher';

export interface SessionDeps {
  accounts: AccountsService;
  guests: GuestAccess;
  /** Guest tries run one at a time per invoice, so a burst cannot race the count (GuestAccess counts after the search). */
  lockouts: Pick<Lockouts, 'oneAtATime'>;
  sessions: SessionRegistry;
  gateway: StripeGateway;
  store: LocalStore;
  events: EventHub;
  /** Called with the payment pages a session opened and never paid, when it ends. */
  onSessionEnd: (attemptIds: string[]) => void;
}

export function sessionHandlers(
  deps: SessionDeps,
): Pick<Handlers, 'currentSession' | 'signIn' | 'signOut' | 'guestFindInvoice' | 'guestOpenLink'> {
  // Sign-in works offline: the account is in SQLite and the customer in the local copy.
  const customer = async (id: string) =>
    (
      await onlineOr(
        () => deps.gateway.retrieveCustomer(id),
        () => deps.store.getCustomer(id),
      )
    ).value;
  const view = async (s: CallerSession): Promise<Session> => ({
    role: s.role,
    customer: s.role === 'customer' && s.customerId ? await customer(s.customerId) : null,
    guestInvoiceId: s.role === 'guest' ? s.guestInvoiceId : null,
  });
  return {
    currentSession: async (_req, ctx) => view(ctx.session),
    signIn: async (req, ctx) => {
      const customerId = await deps.accounts.verify(req.email, req.password);
      const found = await customer(customerId);
      if (!found) throw AppError.because('account_not_linked');
      deps.sessions.signInCustomer(ctx.callerId, customerId);
      return { role: 'customer', customer: found, guestInvoiceId: null };
    },
    signOut: async (_req, ctx) => {
      deps.onSessionEnd(deps.sessions.end(ctx.callerId)?.attemptIds ?? []);
      deps.events.emit(ctx.callerId, 'sessionEnded', { reason: 'signed_out' });
      return { role: 'public', customer: null, guestInvoiceId: null };
    },
    guestFindInvoice: async (req, ctx) => {
      const number = canonicalInvoiceNumber(req.invoiceNumber);
      if (!number) throw AppError.because('invalid_input', { field: 'invoiceNumber', message: 'enter the invoice number' });
      const found = await deps.lockouts.oneAtATime(`invoice:${number}`, () => deps.guests.byNumberAndZip(number, req.postalCode));
      return view(deps.sessions.startGuest(ctx.callerId, found.customerId, found.invoiceId));
    },
    guestOpenLink: async (req, ctx) => {
      const key = `invoice-link:${parsePayLink(req.link)?.invoiceId ?? ''}`;
      const found = await deps.lockouts.oneAtATime(key, () => deps.guests.byLink(req.link));
      return view(deps.sessions.startGuest(ctx.callerId, found.customerId, found.invoiceId));
    },
  };
}
