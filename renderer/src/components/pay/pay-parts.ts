import type { ApiError } from '../../api/portal';
import type { NewBankAccount, NewCard } from '../entry-forms';

/** The fields of step 3 (PayDetailsStep) that PayView can focus. */
export type PayDetailsField = 'name' | 'zip' | 'amount';

/** PayMethodStep's exposed API, for typed template refs. */
export interface PayMethodStepApi {
  /** Focuses the first method in the saved list (when it is shown). */
  focusSavedList(): void;
}

/** PayDetailsStep's exposed API, for typed template refs. */
export interface PayDetailsStepApi {
  focus(field: PayDetailsField): void;
}

/** PayEntryBox's exposed API, for typed template refs. */
export interface PayEntryBoxApi {
  scrollIntoView(): void;
  /** The first field of whichever form is open (Stripe's, the card's or the bank account's). */
  focusFirst(): void;
  /** Wipes every number in the training forms. */
  clear(): void;
  collectCard(): NewCard | null;
  collectBank(): NewBankAccount | null;
  /** Shows main's card or bank field error at its field; false when it belongs to neither. */
  showServerError(path: string, error: ApiError): boolean;
}
