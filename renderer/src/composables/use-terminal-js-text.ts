import { useI18n, type MessageKey } from '../i18n';

/**
 * Codes from the Terminal JS SDK (through terminal/terminal-js-adapter.ts) and the decline codes
 * main records for a card-present payment, in plain words for the current language.
 */
const KEYS: Readonly<Record<string, MessageKey>> = {
  sdk_unavailable: 'desk.js.error.sdkUnavailable',
  connection_token_failed: 'desk.js.error.token',
  no_readers: 'desk.js.error.noReaders',
  not_connected: 'desk.js.error.notConnected',
  no_established_connection: 'desk.js.error.notConnected',
  reader_disconnected: 'desk.js.error.disconnected',
  already_connected: 'desk.js.error.alreadyConnected',
  busy: 'desk.js.error.busy',
  payment_intent_unexpected_state: 'desk.js.error.state',
  canceled: 'desk.js.error.canceled',
  cancelled: 'desk.js.error.canceled',
  customer_canceled: 'desk.js.error.canceled',
  not_completed: 'desk.js.error.notCompleted',
  not_started: 'desk.js.error.notCompleted',
  amount_mismatch: 'desk.js.error.amountMismatch',
  card_declined: 'desk.js.error.declined',
  generic_decline: 'desk.js.error.declined',
  do_not_honor: 'desk.js.error.declined',
  lost_card: 'desk.js.error.declined',
  stolen_card: 'desk.js.error.declined',
  call_issuer: 'desk.js.error.callIssuer',
  insufficient_funds: 'desk.js.error.insufficientFunds',
  withdrawal_count_limit_exceeded: 'desk.js.error.limit',
  expired_card: 'desk.js.error.expired',
  incorrect_pin: 'desk.js.error.pin',
  pin_try_exceeded: 'desk.js.error.pinTries',
  processing_error: 'desk.js.error.processing',
};

export function useTerminalJsText() {
  const { t } = useI18n();

  function terminalJsText(code: string | null | undefined): string {
    return t((code ? KEYS[code] : undefined) ?? 'desk.js.error.generic');
  }

  return { terminalJsText };
}
