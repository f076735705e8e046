import type { ApiError } from '../api/portal';

/** What the training-mode entry forms hand to the pay call (never kept anywhere): the contract's own types. */
export type { NewBankAccount, NewCard } from '../../../electron/shared/contract';

/** The entry forms' exposed API (NewCardForm, NewBankForm), for typed template refs. */
export interface EntryFormApi<T> {
  /** Checks the fields; the value, or null with messages shown and the first bad field focused. */
  collect(): T | null;
  /** Wipes every number. */
  clear(): void;
  focusFirst(): void;
  /** Shows main's field error (`card.number`, `bankAccount.routingNumber`, …); false when not one of its fields. */
  showServerError(path: string, error: ApiError): boolean;
}
