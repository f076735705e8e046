import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import type { BillingUpdate, EventPayload, Session } from '../../../electron/shared/contract';
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

  /** Whether this session may open the payment page of these invoices (its own invoices, or a guest's one). */
  function mayPay(invoiceIds: readonly string[]): boolean {
    if (invoiceIds.length === 0) return false;
    return isCustomer.value || (guestInvoiceId.value !== null && invoiceIds.length === 1 && guestInvoiceId.value === invoiceIds[0]);
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

  /** Guest pay by invoice number and billing zip code. Throws ApiError (`not_found`, `locked`, field errors). */
  async function guestFindInvoice(invoiceNumber: string, postalCode: string): Promise<Session> {
    return startGuest(() => portal.guestFindInvoice(invoiceNumber.trim(), postalCode.trim()));
  }

  /** Guest pay from the invoice's printed QR code (the scanner types the link). */
  async function guestOpenLink(link: string): Promise<Session> {
    return startGuest(() => portal.guestOpenLink(link.trim()));
  }

  async function startGuest(open: () => Promise<Session>): Promise<Session> {
    pending.value = true;
    try {
      const value = await open();
      session.value = value;
      loaded.value = true;
      endedReason.value = null;
      return value;
    } finally {
      pending.value = false;
    }
  }

  /** Update Information: saves the billing details at Stripe and keeps the answer as the session's customer. */
  async function updateBilling(update: BillingUpdate): Promise<void> {
    pending.value = true;
    try {
      const customer = await portal.updateBilling(update);
      if (session.value.role === 'customer') session.value = { ...session.value, customer };
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

  /** A staff sign-in (desk store): the desk has no customer and no guest invoice. */
  function setRole(role: 'clerk' | 'manager'): void {
    session.value = { role, customer: null, guestInvoiceId: null };
    loaded.value = true;
    endedReason.value = null;
  }

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
    guestFindInvoice,
    guestOpenLink,
    updateBilling,
    signOut,
    setRole,
    reset,
  };
});
