import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { PaymentOutcome, ResponseOf, PaymentStart, PaymentType, RequestOf } from '../../../electron/shared/contract';
import { ApiError, portal } from '../api/portal';

/** What every pay call shares: the amount in cents and the billing name and zip. */
export interface PayDetails {
  amount: number;
  nameOnAccount: string;
  postalCode: string;
}

export type MethodChoice = 'new' | 'save' | 'saved';

/**
 * The form as the customer left it (never card or bank numbers), so Update Information and back
 * returns to the same choices and amount.
 */
export interface CheckoutDraft {
  /** The page's invoices, joined (the draft belongs to that set only). */
  invoiceKey: string;
  paymentType: PaymentType;
  choice: MethodChoice;
  methodId: string | null;
  name: string;
  zip: string;
  amountText: string;
}

export type PrintAnswer = ResponseOf<'kioskPrintReceipt'>;
export type EmailAnswer = ResponseOf<'kioskEmailReceipt'>;

type NewCard = RequestOf<'payNewCard'>['card'];
type NewBankAccount = RequestOf<'payNewBankAccount'>['bankAccount'];

/**
 * The payment page's attempt: `startPayment` answers with an attempt id that every retry on the
 * page reuses (main's idempotency keys hang off it). Card and bank numbers pass through the pay
 * functions as arguments only; this store never keeps them.
 */
export const useCheckoutStore = defineStore('checkout', () => {
  const start = shallowRef<PaymentStart | null>(null);
  const starting = ref(false);
  const startError = shallowRef<ApiError | null>(null);
  /** A pay call is in flight: Continue and Make Payment are disabled. */
  const sending = ref(false);
  const outcome = shallowRef<PaymentOutcome | null>(null);
  const draft = shallowRef<CheckoutDraft | null>(null);
  /** Print receipt in the result popup: in flight, main's answer, or why it failed. */
  const printing = ref(false);
  const printAnswer = shallowRef<PrintAnswer | null>(null);
  const printError = shallowRef<ApiError | null>(null);
  /** Email my receipt, likewise. */
  const emailing = ref(false);
  const emailAnswer = shallowRef<EmailAnswer | null>(null);
  const emailError = shallowRef<ApiError | null>(null);

  let generation = 0;

  // A payment whose answer was lost is settled by main in the background: its true outcome arrives
  // here, and the page shows it like any other (the customer is never left with "unknown").
  portal.onPaymentSettled((settled) => {
    if (start.value?.attemptId === settled.attemptId && !sending.value) outcome.value = settled;
  });

  async function open(invoiceIds: readonly string[]): Promise<void> {
    const current = ++generation;
    start.value = null;
    outcome.value = null;
    startError.value = null;
    starting.value = true;
    try {
      const value = await portal.startPayment(invoiceIds);
      if (current === generation) start.value = value;
    } catch (cause) {
      if (current === generation) startError.value = ApiError.from(cause);
    } finally {
      if (current === generation) starting.value = false;
    }
  }

  function attemptId(): string {
    if (!start.value)
      throw new ApiError({ code: 'conflict', reason: 'payment_not_started', message: 'The payment page is not ready yet.' });
    return start.value.attemptId;
  }

  /** One pay call at a time; a second is refused here with the same code main uses. */
  async function send(run: (attemptId: string) => Promise<PaymentOutcome>): Promise<PaymentOutcome> {
    if (sending.value)
      throw new ApiError({ code: 'conflict', reason: 'payment_in_flight', message: 'This payment is already being sent.' });
    const id = attemptId();
    sending.value = true;
    const current = generation;
    try {
      const value = await run(id);
      if (current === generation) outcome.value = value;
      return value;
    } finally {
      if (current === generation) sending.value = false;
    }
  }

  const paySaved = (details: PayDetails, paymentMethodId: string) =>
    send((id) => portal.paySaved({ attemptId: id, ...details, paymentMethodId }));

  const payNewCard = (details: PayDetails, saveForAutopay: boolean, card: NewCard) =>
    send((id) => portal.payNewCard({ attemptId: id, ...details, saveForAutopay, card }));

  const payNewBankAccount = (details: PayDetails, saveForAutopay: boolean, bankAccount: NewBankAccount) =>
    send((id) => portal.payNewBankAccount({ attemptId: id, ...details, saveForAutopay, bankAccount, mandateAccepted: true }));

  /** Live mode: the client secret for the Payment Element. */
  async function createIntent(details: PayDetails, paymentType: PaymentType, saveForAutopay: boolean): Promise<string> {
    const { clientSecret } = await portal.createPaymentIntent({ attemptId: attemptId(), ...details, paymentType, saveForAutopay });
    return clientSecret;
  }

  /** Live mode, after Stripe.js confirmed: main reads the intent and records the outcome. */
  const complete = () => send((id) => portal.completePayment(id));

  /** Live mode: a decline reported by Stripe.js in the page is shown like one from main. */
  function showOutcome(value: PaymentOutcome): void {
    outcome.value = value;
  }

  function clearOutcome(): void {
    outcome.value = null;
    printAnswer.value = null;
    printError.value = null;
    emailAnswer.value = null;
    emailError.value = null;
  }

  /** E-mails the receipt of this page's attempt to the customer's address on file (main checks the session owns it). */
  async function emailReceipt(): Promise<void> {
    if (emailing.value || !outcome.value) return;
    const id = outcome.value.attemptId;
    emailing.value = true;
    emailError.value = null;
    const current = generation;
    try {
      const answer = await portal.kioskEmailReceipt(id);
      if (current === generation) emailAnswer.value = answer;
    } catch (cause) {
      if (current === generation) emailError.value = ApiError.from(cause);
    } finally {
      if (current === generation) emailing.value = false;
    }
  }

  /** Prints the receipt of this page's attempt (main checks it belongs to this session). */
  async function printReceipt(): Promise<void> {
    if (printing.value || !outcome.value) return;
    const id = outcome.value.attemptId;
    printing.value = true;
    printError.value = null;
    const current = generation;
    try {
      const answer = await portal.kioskPrintReceipt(id);
      if (current === generation) printAnswer.value = answer;
    } catch (cause) {
      if (current === generation) printError.value = ApiError.from(cause);
    } finally {
      if (current === generation) printing.value = false;
    }
  }

  function saveDraft(value: CheckoutDraft): void {
    draft.value = value;
  }

  function reset(): void {
    generation++;
    start.value = null;
    starting.value = false;
    startError.value = null;
    sending.value = false;
    outcome.value = null;
    draft.value = null;
    printing.value = false;
    printAnswer.value = null;
    printError.value = null;
    emailing.value = false;
    emailAnswer.value = null;
    emailError.value = null;
  }

  return {
    start,
    starting,
    startError,
    sending,
    outcome,
    draft,
    printing,
    printAnswer,
    printError,
    printReceipt,
    emailing,
    emailAnswer,
    emailError,
    emailReceipt,
    open,
    paySaved,
    payNewCard,
    payNewBankAccount,
    createIntent,
    complete,
    showOutcome,
    clearOutcome,
    saveDraft,
    reset,
  };
});
