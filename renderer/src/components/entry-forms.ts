import type { ApiError } from '../api/portal';

/** What the training-mode card form hands to the pay call (never kept anywhere). */
export interface NewCard {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export interface NewBankAccount {
  routingNumber: string;
  accountNumber: string;
  accountHolderType: 'individual' | 'company';
  accountType: 'checking' | 'savings';
}

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
