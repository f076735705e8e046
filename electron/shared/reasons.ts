/**
 * Why a request was refused, as a code the renderer words (renderer/src/i18n: `reason.<code>`), in
 * English and Spanish. Main never sends sentences for people: it sends `{ code, reason, params }`.
 *
 * Each reason belongs to one envelope code (what kind of refusal it is); control flow may read the
 * reason or the code, never the message. Params carry what the words need: money as minor units with
 * a `currency` param beside them (see MONEY_PARAMS), counts as numbers, names and numbers as text.
 * No Node, no DOM.
 */
import { z } from 'zod';

export const REASONS = {
  // ---- generic: one per envelope code, for the request as a whole
  invalid_input: 'invalid_request',
  unknown_request: 'unknown_channel',
  sign_in_required: 'unauthenticated',
  not_allowed: 'forbidden',
  not_found: 'not_found',
  stripe_unreachable: 'stripe_unavailable',
  stripe_refused: 'stripe_error',
  payment_declined: 'payment_failed',
  conflict: 'conflict',
  locked: 'locked',
  /** Something failed on our side; whether money moved is not known (never claims "nothing was charged"). */
  internal_error: 'internal',
  /** The station was given a Stripe key that is not one: it stops instead of falling back to training mode. */
  stripe_key_invalid: 'internal',

  // ---- sign-in and access
  wrong_credentials: 'unauthenticated',
  account_locked: 'locked',
  guest_invoice_not_found: 'not_found',
  guest_link_not_recognized: 'not_found',
  guest_invoice_locked: 'locked',
  staff_wrong_pin: 'unauthenticated',
  staff_locked: 'locked',
  staff_disabled: 'forbidden',
  staff_exists: 'conflict',
  staff_name_taken: 'conflict',
  staff_not_found: 'not_found',
  last_manager: 'conflict',
  desk_sign_in_required: 'unauthenticated',
  session_expired: 'unauthenticated',

  // ---- invoices and amounts
  invoice_not_found: 'not_found',
  invoice_already_paid: 'conflict',
  invoice_not_payable: 'conflict',
  invoice_balance_changed: 'conflict',
  invoice_in_progress: 'conflict',
  invoices_of_other_customer: 'not_found',
  no_invoices_chosen: 'invalid_request',
  amount_over_remaining: 'invalid_request',
  amount_over_total: 'invalid_request',
  amount_under_minimum: 'invalid_request',
  remaining_under_minimum: 'invalid_request',
  allocation_under_minimum: 'invalid_request',
  amount_not_valid: 'invalid_request',
  account_not_linked: 'not_found',
  customer_not_found: 'not_found',

  // ---- the payment page and its attempt
  payment_not_found: 'not_found',
  payment_in_flight: 'conflict',
  payment_done: 'conflict',
  payment_page_closed: 'conflict',
  payment_not_started: 'conflict',
  payment_outcome_unknown: 'stripe_unavailable',
  saved_method_needs_sign_in: 'forbidden',
  save_needs_sign_in: 'forbidden',
  card_entry_secure_form: 'forbidden',
  bank_entry_secure_form: 'forbidden',
  secure_form_live_only: 'forbidden',
  secure_form_unavailable: 'stripe_error',
  secure_form_one_invoice: 'invalid_request',
  method_not_found: 'not_found',
  autopay_needs_method: 'conflict',
  not_waiting_for_code: 'conflict',

  // ---- offline and the queue
  offline_limit_per_payment: 'invalid_request',
  offline_limit_total: 'conflict',
  needs_connection: 'stripe_unavailable',
  queue_item_not_retryable: 'conflict',
  queue_item_not_cancelable: 'conflict',

  // ---- desk: reader, cash and check, refunds, receipts
  check_number_required: 'invalid_request',
  check_number_not_valid: 'invalid_request',
  reader_not_chosen: 'invalid_request',
  reader_driver_mismatch: 'forbidden',
  reader_not_found: 'not_found',
  reader_busy: 'conflict',
  reader_offline: 'stripe_unavailable',
  reader_no_answer: 'stripe_unavailable',
  reader_code_not_recognized: 'invalid_request',
  location_not_found: 'invalid_request',
  test_cards_training_only: 'forbidden',
  test_card_unknown: 'invalid_request',
  card_payment_not_found: 'not_found',
  card_payment_not_retryable: 'conflict',
  card_nothing_to_capture: 'conflict',
  refund_not_completed_payment: 'invalid_request',
  refund_already_full: 'invalid_request',
  refund_over_refundable: 'invalid_request',
  refund_details_changed: 'invalid_request',
  refund_credit_pending: 'conflict',
  refund_not_confirmed: 'stripe_unavailable',
  receipt_no_completed_payment: 'conflict',
  receipt_payment_failed: 'conflict',
  receipt_payment_canceled: 'conflict',
  receipt_payment_incomplete: 'conflict',
  receipt_desk_records_only: 'conflict',
  receipt_method_unknown: 'conflict',
  receipt_needs_connection: 'stripe_unavailable',
  receipt_too_large: 'internal',
  receipt_has_card_number: 'invalid_request',
  card_number_in_text: 'invalid_request',
  search_too_long: 'invalid_request',

  // ---- desk: the cash drawer
  drawer_not_open: 'conflict',
  drawer_already_open: 'conflict',
  drawer_already_closed: 'conflict',
  drawer_not_found: 'not_found',
  drawer_amount_negative: 'invalid_request',
  drawer_amount_not_cents: 'invalid_request',
  drawer_amount_zero: 'invalid_request',
  drawer_amount_too_large: 'invalid_request',
  drawer_paid_out_over_cash: 'invalid_request',
  drawer_tendered_short: 'invalid_request',
  drawer_variance_needs_manager: 'forbidden',
  drawer_approver_not_manager: 'forbidden',
  drawer_manager_pin_wrong: 'unauthenticated',
} as const satisfies Record<string, ErrorCodeName>;

/** The envelope codes (kept here so this module has no imports but zod; contract-schemas re-exports them). */
export const ERROR_CODES = [
  'invalid_request',
  'unknown_channel',
  'unauthenticated',
  'forbidden',
  'not_found',
  'locked',
  'stripe_unavailable',
  'stripe_error',
  'payment_failed',
  'conflict',
  'internal',
] as const;
type ErrorCodeName = (typeof ERROR_CODES)[number];

export type Reason = keyof typeof REASONS;
export const REASON_NAMES = Object.keys(REASONS) as [Reason, ...Reason[]];
export const reasonSchema = z.enum(REASON_NAMES);

/** What a reason's words need. Money params are minor units; a `currency` param travels with them. */
export const reasonParamsSchema = z.record(z.string().max(40), z.union([z.string().max(300), z.number()]));
export type ReasonParams = z.infer<typeof reasonParamsSchema>;

/** Params that are money (formatted with the `currency` param at the edge). */
export const MONEY_PARAMS: ReadonlySet<string> = new Set(['amount', 'remaining', 'max', 'minimum', 'total', 'limit', 'refundable']);

export function codeOf(reason: Reason): ErrorCodeName {
  return REASONS[reason];
}

/** The generic reason of each envelope code: what an error without a finer reason reports. */
export const GENERIC_REASON: Record<ErrorCodeName, Reason> = {
  invalid_request: 'invalid_input',
  unknown_channel: 'unknown_request',
  unauthenticated: 'sign_in_required',
  forbidden: 'not_allowed',
  not_found: 'not_found',
  locked: 'locked',
  stripe_unavailable: 'stripe_unreachable',
  stripe_error: 'stripe_refused',
  payment_failed: 'payment_declined',
  conflict: 'conflict',
  internal: 'internal_error',
};

const GENERIC_REASONS: ReadonlySet<Reason> = new Set(Object.values(GENERIC_REASON));
export const isGenericReason = (reason: Reason): boolean => GENERIC_REASONS.has(reason);
