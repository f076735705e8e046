/** Reader outcomes in plain words, for the person at the counter. */

const MESSAGES: Record<string, string> = {
  generic_decline: 'The card was declined. Please try another card.',
  card_declined: 'The card was declined. Please try another card.',
  do_not_honor: 'The card was declined. Please try another card.',
  lost_card: 'The card was declined. Please try another card.',
  stolen_card: 'The card was declined. Please try another card.',
  call_issuer: 'The card was declined. The cardholder should call their bank, or use another card.',
  insufficient_funds: 'The card has insufficient funds. Please try another card.',
  withdrawal_count_limit_exceeded: 'The card is over its limit. Please try another card.',
  expired_card: 'The card has expired. Please try another card.',
  incorrect_pin: 'The PIN was incorrect. Please try again.',
  pin_try_exceeded: 'Too many wrong PIN attempts. Please use another card.',
  incorrect_cvc: "The card's security code is incorrect.",
  processing_error: 'The card could not be processed. Please try again in a moment.',
  customer_canceled: 'The customer canceled the payment on the reader.',
  canceled: 'The payment was canceled.',
  timeout: 'No card was presented in time, so the payment was canceled.',
  intent_invalid_state: 'This payment is no longer waiting for a card.',
  amount_mismatch: 'The amount on the reader did not match the payment, so nothing was charged. Start the payment again.',
  not_completed: 'The payment was not completed on the reader, so nothing was charged.',
  invoice_changed:
    'Another payment reached this invoice while the card was being read, so this one was released and nothing was charged. Check the balance and take the payment again if anything is still due.',
};

export function plainMessage(code: string | null | undefined): string {
  return (code && MESSAGES[code]) ?? 'The payment did not go through. Please try again or use another card.';
}
