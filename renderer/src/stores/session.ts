import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import type { EventPayload, Session } from '../../../electron/shared/contract';
import { ApiError, portal } from '../api/portal';

type EndReason = EventPayload<'sessionEnded'>['reason'];

const PUBLIC_SESSION: Session = { role: 'public', customer: null, guestInvoiceId: null };

/**
 * Who is using the kiosk. Subscribes to main's `sessionEnded` push for as long as the store lives
 * (unsubscribed on `$dispose`). Callers react to `endedReason` / `signedIn` turning false; the
 * store does not navigate.
 */
export const useSessionStore = defineStore('session', () => {
  const session = shallowRef<Session>(PUBLIC_SESSION);
  /** True once the current session has been read from main at least once. */
  const loaded = ref(false);
  const pending = ref(false);
  /** Why the last session ended (cleared on the next sign-in). */
  const endedReason = ref<EndReason | null>(null);

  const role = computed(() => session.value.role);
  const customer = computed(() => session.value.customer);
  /** Any session that is not the anonymous public one (customer, guest, staff). */
  const active = computed(() => session.value.role !== 'public');
  const isCustomer = computed(() => session.value.role === 'customer' && session.value.customer !== null);
  const guestInvoiceId = computed(() => (session.value.role === 'guest' ? session.value.guestInvoiceId : null));

  /** Whether this session may open the payment page of an invoice (its own invoices, or a guest's one). */
  function mayPay(invoiceId: string): boolean {
    return isCustomer.value || (guestInvoiceId.value !== null && guestInvoiceId.value === invoiceId);
  }

  let loading: Promise<void> | null = null;

  /** Reads the current session from main once; later calls reuse the first answer. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve();
    loading ??= portal
      .currentSession()
      .then((value) => {
        session.value = value;
      })
      .catch(() => {
        session.value = PUBLIC_SESSION;
      })
      .finally(() => {
        loaded.value = true;
        loading = null;
      });
    return loading;
  }

  /** Throws ApiError (code `unauthenticated` for a wrong password, `invalid_request` with `field`). */
  async function signIn(email: string, password: string): Promise<Session> {
    pending.value = true;
    try {
      const value = await portal.signIn(email.trim(), password);
      session.value = value;
      loaded.value = true;
      endedReason.value = null;
      return value;
    } finally {
      pending.value = false;
    }
  }

  /** Signs out in main; locally the session is public afterwards even if main could not be reached. */
  async function signOut(): Promise<void> {
    pending.value = true;
    try {
      session.value = await portal.signOut();
    } catch (cause) {
      session.value = PUBLIC_SESSION;
      throw ApiError.from(cause);
    } finally {
      pending.value = false;
      endedReason.value = 'signed_out';
    }
  }

  const unsubscribe = portal.onSessionEnded(({ reason }) => {
    session.value = PUBLIC_SESSION;
    endedReason.value = reason;
  });
  onScopeDispose(unsubscribe);

  function reset(): void {
    session.value = PUBLIC_SESSION;
    pending.value = false;
    // `loaded` stays true: after a reset we know the session is public.
  }

  return {
    session,
    loaded,
    pending,
    endedReason,
    role,
    customer,
    active,
    isCustomer,
    guestInvoiceId,
    mayPay,
    ensureLoaded,
    signIn,
    signOut,
    reset,
  };
});
