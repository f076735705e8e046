export { LocalStore, customerNorms } from './local-store';
export type { PaymentMethodSummary, PaymentRecord, PaymentStatus, PaymentMethodType, SyncState, UpsertOptions, Versioned } from './types';
