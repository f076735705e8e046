import { useAppStore } from './app';
import { useCheckoutStore } from './checkout';
import { useDeskStore } from './desk';
import { useDeskDrawerStore } from './desk-drawer';
import { useDeskLookupStore } from './desk-lookup';
import { useDeskPaymentStore } from './desk-payment';
import { useDeskQueueStore } from './desk-queue';
import { useDeskReportStore } from './desk-report';
import { useDeskTerminalJsStore } from './desk-terminal-js';
import { useHelpStore } from './help';
import { useInvoicesStore } from './invoices';
import { useMethodsStore } from './methods';
import { usePaymentsStore } from './payments';
import { useSessionStore } from './session';

export { useAppStore } from './app';
export { useCheckoutStore } from './checkout';
export { useConnectivityStore } from './connectivity';
export { useDeskStore } from './desk';
export { useDeskDrawerStore } from './desk-drawer';
export { useDeskLookupStore } from './desk-lookup';
export { useDeskPaymentStore } from './desk-payment';
export { useDeskQueueStore } from './desk-queue';
export { useDeskReportStore } from './desk-report';
export { useDeskTerminalJsStore } from './desk-terminal-js';
export { useHelpStore } from './help';
export { useInvoicesStore, isPayable } from './invoices';
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
  useHelpStore().reset();
  useDeskPaymentStore().reset();
  useDeskLookupStore().reset();
  useDeskDrawerStore().reset();
  useDeskQueueStore().reset();
  useDeskReportStore().reset();
  useDeskTerminalJsStore().reset();
  useDeskStore().reset();
  useMethodsStore().reset();
  usePaymentsStore().reset();
  useInvoicesStore().reset();
  useSessionStore().reset();
  useAppStore().reset();
}
