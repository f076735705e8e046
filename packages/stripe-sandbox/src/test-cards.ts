/**
 * Stripe's documented test cards, test bank accounts and test PaymentMethod ids, with the outcome
 * each one produces. Only these are accepted; full numbers never leave this module (objects keep
 * brand, last4 and a fingerprint).
 */
import { createHash } from 'node:crypto';

export interface Decline {
  code: string;
  decline_code?: string;
  message: string;
  param?: string;
}

export interface TestCard {
  number: string;
  brand: 'visa' | 'mastercard' | 'amex';
  funding: 'credit';
  decline?: Decline;
}

const declined = (decline_code: string, message = 'Your card was declined.'): Decline => ({ code: 'card_declined', decline_code, message });

const CARDS: Record<string, TestCard> = {
  pm_card_visa: { number: '4242424242424242', brand: 'visa', funding: 'credit' },
  pm_card_mastercard: { number: '5555555555554444', brand: 'mastercard', funding: 'credit' },
  pm_card_amex: { number: '378282246310005', brand: 'amex', funding: 'credit' },
  pm_card_visa_chargeDeclined: { number: '4000000000000002', brand: 'visa', funding: 'credit', decline: declined('generic_decline') },
  pm_card_visa_chargeDeclinedInsufficientFunds: {
    number: '4000000000009995',
    brand: 'visa',
    funding: 'credit',
    decline: declined('insufficient_funds', 'Your card has insufficient funds.'),
  },
  pm_card_visa_chargeDeclinedLostCard: { number: '4000000000009987', brand: 'visa', funding: 'credit', decline: declined('lost_card') },
  pm_card_visa_chargeDeclinedStolenCard: { number: '4000000000009979', brand: 'visa', funding: 'credit', decline: declined('stolen_card') },
  pm_card_chargeDeclinedExpiredCard: {
    number: '4000000000000069',
    brand: 'visa',
    funding: 'credit',
    decline: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.', param: 'exp_month' },
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    number: '4000000000000127',
    brand: 'visa',
    funding: 'credit',
    decline: { code: 'incorrect_cvc', decline_code: 'incorrect_cvc', message: "Your card's security code is incorrect.", param: 'cvc' },
  },
  pm_card_chargeDeclinedProcessingError: {
    number: '4000000000000119',
    brand: 'visa',
    funding: 'credit',
    decline: {
      code: 'processing_error',
      decline_code: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  },
};
const CARD_ALIASES: Record<string, string> = {
  pm_card_chargeDeclined: 'pm_card_visa_chargeDeclined',
  pm_card_chargeDeclinedInsufficientFunds: 'pm_card_visa_chargeDeclinedInsufficientFunds',
};

export type AchOutcome =
  | 'succeeded'
  | 'account_closed'
  | 'no_account'
  | 'insufficient_funds'
  | 'debit_not_authorized'
  | 'invalid_currency'
  | 'microdeposits_failed'
  | 'processing';

export interface TestBankAccount {
  account: string;
  outcome: AchOutcome;
}
export const TEST_ROUTING = '110000000';

const BANKS: Record<string, TestBankAccount> = {
  pm_usBankAccount_success: { account: '000123456789', outcome: 'succeeded' },
  pm_usBankAccount_accountClosed: { account: '000111111113', outcome: 'account_closed' },
  pm_usBankAccount_noAccount: { account: '000111111116', outcome: 'no_account' },
  pm_usBankAccount_insufficientFunds: { account: '000222222227', outcome: 'insufficient_funds' },
  pm_usBankAccount_debitNotAuthorized: { account: '000333333335', outcome: 'debit_not_authorized' },
  pm_usBankAccount_invalidCurrency: { account: '000444444440', outcome: 'invalid_currency' },
  pm_usBankAccount_failMicrodeposits: { account: '000666666661', outcome: 'microdeposits_failed' },
  pm_usBankAccount_processing: { account: '000000000009', outcome: 'processing' },
};

export const ACH_FAILURE_MESSAGES: Record<string, string> = {
  account_closed: "The customer's bank account has been closed.",
  no_account: "The customer's bank account could not be located.",
  insufficient_funds: "The customer's account has insufficient funds to cover this payment.",
  debit_not_authorized: 'The customer has notified their bank that this payment was unauthorized.',
  invalid_currency: 'The bank was unable to process this payment because of its currency.',
  microdeposits_failed:
    "Microdeposits failed to deposit into the customer's bank account. Check the account, institution and transit numbers.",
};

export function fingerprint(kind: string, number: string): string {
  return createHash('sha256')
    .update(`sandbox:${kind}:${number}`)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 16);
}

export type TestPm = { kind: 'card'; id: string; card: TestCard } | { kind: 'us_bank_account'; id: string; bank: TestBankAccount };

/** `pm_card_visa`, `pm_usBankAccount_success`, ... (and aliases) → what they stand for. */
export function testPaymentMethod(id: string): TestPm | undefined {
  const cardId = CARD_ALIASES[id] ?? id;
  const card = CARDS[cardId];
  if (card) return { kind: 'card', id, card };
  const bank = BANKS[id];
  if (bank) return { kind: 'us_bank_account', id, bank };
  return undefined;
}

export function cardByNumber(number: string): TestCard | undefined {
  return Object.values(CARDS).find((c) => c.number === number);
}

export function bankByAccount(account: string): TestBankAccount | undefined {
  return Object.values(BANKS).find((b) => b.account === account);
}

const cardByFp = new Map(Object.values(CARDS).map((c) => [fingerprint('card', c.number), c]));
const bankByFp = new Map(Object.values(BANKS).map((b) => [fingerprint('bank', b.account), b]));

export function cardByFingerprint(fp: string): TestCard | undefined {
  return cardByFp.get(fp);
}
export function bankByFingerprint(fp: string): TestBankAccount | undefined {
  return bankByFp.get(fp);
}

export const ALL_TEST_PM_IDS = [...Object.keys(CARDS), ...Object.keys(CARD_ALIASES), ...Object.keys(BANKS)];
