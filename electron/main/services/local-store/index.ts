export { LocalStore, customerNorms } from './local-store';
export type {
  CustomerBalance,
  PaymentMethodSummary,
  PaymentRecord,
  PaymentStatus,
  PaymentMethodType,
  SyncState,
  UpsertOptions,
  Versioned,
} from './types';
