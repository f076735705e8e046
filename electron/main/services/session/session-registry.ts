import type { Role } from '../../../shared/contract';
import type { Clock } from '../clock';

/** Who is on the other end of one window (Electron) or one browser tab (preview). */
export interface CallerSession {
  role: Role;
  /** The signed-in customer, or the owner of the guest's invoice. */
  customerId: string | null;
  /** Guest sessions: the one invoice they may see and pay. */
  guestInvoiceId: string | null;
  /** Staff sessions (clerk, manager): who is signed in at the desk. */
  staffId: string | null;
  startedAt: number;
  /** Payment pages opened in this session, closed if the session ends without paying. */
  attemptIds?: string[];
}

/**
 * Sessions live in memory in the main process, keyed by caller id (a webContents id or a preview
 * connection id). The renderer never holds the authority: it only ever sees its own session.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, CallerSession>();

  constructor(private readonly clock: Clock) {}

  get(callerId: string): CallerSession {
    return (
      this.sessions.get(callerId) ?? { role: 'public', customerId: null, guestInvoiceId: null, staffId: null, startedAt: this.clock.now() }
    );
  }

  signInCustomer(callerId: string, customerId: string): CallerSession {
    return this.put(callerId, { role: 'customer', customerId, guestInvoiceId: null, staffId: null, startedAt: this.clock.now() });
  }

  startGuest(callerId: string, customerId: string, invoiceId: string): CallerSession {
    return this.put(callerId, { role: 'guest', customerId, guestInvoiceId: invoiceId, staffId: null, startedAt: this.clock.now() });
  }

  signInStaff(callerId: string, staffId: string, role: 'clerk' | 'manager'): CallerSession {
    return this.put(callerId, { role, customerId: null, guestInvoiceId: null, staffId, startedAt: this.clock.now() });
  }

  /** Remembers a payment page opened in this session. */
  noteAttempt(callerId: string, attemptId: string): void {
    const s = this.sessions.get(callerId);
    if (s) (s.attemptIds ??= []).push(attemptId);
  }

  /** The window whose session opened this payment (null when that session has ended). */
  callerOf(attemptId: string): string | null {
    for (const [callerId, s] of this.sessions) if (s.attemptIds?.includes(attemptId)) return callerId;
    return null;
  }

  /** Ends the session; returns it (for closing what it left open). */
  end(callerId: string): CallerSession | null {
    const s = this.sessions.get(callerId) ?? null;
    this.sessions.delete(callerId);
    return s;
  }

  private put(callerId: string, session: CallerSession): CallerSession {
    this.sessions.set(callerId, session);
    return session;
  }
}
