import type { Role } from '../../../shared/contract';
import type { Clock } from '../clock';

/** Who is on the other end of one window (Electron) or one browser tab (preview). */
export interface CallerSession {
  role: Role;
  customerId: string | null;
  startedAt: number;
}

const PUBLIC: Omit<CallerSession, 'startedAt'> = { role: 'public', customerId: null };

/**
 * Sessions live in memory in the main process, keyed by caller id (a webContents id or a preview
 * connection id). The renderer never holds the authority: it only ever sees its own session.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, CallerSession>();

  constructor(private readonly clock: Clock) {}

  get(callerId: string): CallerSession {
    return this.sessions.get(callerId) ?? { ...PUBLIC, startedAt: this.clock.now() };
  }

  signInCustomer(callerId: string, customerId: string): CallerSession {
    const session: CallerSession = { role: 'customer', customerId, startedAt: this.clock.now() };
    this.sessions.set(callerId, session);
    return session;
  }

  end(callerId: string): void {
    this.sessions.delete(callerId);
  }
}
