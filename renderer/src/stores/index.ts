import { useAppStore } from './app';
import { useInvoicesStore } from './invoices';
import { useSessionStore } from './session';

export { useAppStore } from './app';
export { useInvoicesStore, isPayable, PAYABLE_STATUSES } from './invoices';
export { useSessionStore } from './session';

/**
 * Wipes every per-visitor store back to its first state (the idle sign-out and Sign out use this).
 * Every new store must add its `reset()` here. Subscriptions stay in place: they belong to the
 * store's lifetime, not to the visitor.
 */
export function resetAllStores(): void {
  useInvoicesStore().reset();
  useSessionStore().reset();
  useAppStore().reset();
}
