import { useAppStore } from './app';
import { useCheckoutStore } from './checkout';
import { useInvoicesStore } from './invoices';
import { useMethodsStore } from './methods';
import { usePaymentsStore } from './payments';
import { useSessionStore } from './session';

export { useAppStore } from './app';
export { useCheckoutStore } from './checkout';
export { useInvoicesStore, isPayable, PAYABLE_STATUSES } from './invoices';
export { useMethodsStore } from './methods';
export { usePaymentsStore } from './payments';
export { useSessionStore } from './session';

/**
 * Wipes every per-visitor store back to its first state (the idle sign-out and Sign out use this).
 * Every new store must add its `reset()` here. Subscriptions stay in place: they belong to the
 * store's lifetime, not to the visitor.
 */
export function resetAllStores(): void {
  useCheckoutStore().reset();
  useMethodsStore().reset();
  usePaymentsStore().reset();
  useInvoicesStore().reset();
  useSessionStore().reset();
  useAppStore().reset();
}
