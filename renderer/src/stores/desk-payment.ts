import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import type { RequestOf, ResponseOf } from '../../../electron/shared/contract';
import type { CardPaymentView, TEST_CARD_CHOICES } from '../../../electron/shared/contract-desk';
import { ApiError, portal } from '../api/portal';

export type Reader = ResponseOf<'deskReaders'>['readers'][number];
export type OfflineResult = ResponseOf<'deskRecordCash'>;
export type DeskPrintAnswer = ResponseOf<'deskPrintReceipt'>;
export type DeskEmailAnswer = ResponseOf<'deskEmailReceipt'>;
export type TestCard = (typeof TEST_CARD_CHOICES)[number];

const LIVE_STAGES: readonly CardPaymentView['status'][] = ['sending', 'waiting_for_card', 'capturing'];
const POLL_MS = 1000;

/**
 * Taking a payment at the desk: the card reader (card-present, live status from main's
 * `deskPaymentUpdate` push plus a 1-second poll as a safety net), cash and check, receipts and
 * refunds. One payment at a time.
 */
export const useDeskPaymentStore = defineStore('deskPayment', () => {
  const readers = shallowRef<readonly Reader[]>([]);
  const chosenReaderId = ref<string | null>(null);
  const readersError = shallowRef<ApiError | null>(null);

  const card = shallowRef<CardPaymentView | null>(null);
  const offline = shallowRef<OfflineResult | null>(null);
  /** Cash through the drawer: the change to give and whether the drawer kicked open (null: not a drawer sale). */
  const drawerSale = shallowRef<{ change: number; kicked: boolean } | null>(null);
  const sending = ref(false);
  const canceling = ref(false);

  const printing = ref(false);
  const printAnswer = shallowRef<DeskPrintAnswer | null>(null);
  const printError = shallowRef<ApiError | null>(null);

  const emailing = ref(false);
  const emailAnswer = shallowRef<DeskEmailAnswer | null>(null);
  const emailError = shallowRef<ApiError | null>(null);

  const cardLive = computed(() => card.value !== null && LIVE_STAGES.includes(card.value.status));
  const chosenReader = computed(() => readers.value.find((r) => r.id === chosenReaderId.value) ?? null);

  let timer: ReturnType<typeof setTimeout> | null = null;

  function stopPolling(): void {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  function schedulePoll(): void {
    stopPolling();
    if (!cardLive.value || !card.value) return;
    const id = card.value.paymentId;
    timer = setTimeout(() => {
      void portal
        .deskCardPayment(id)
        .then(apply)
        .catch(() => {
          // The push may still arrive; poll again.
        })
        .finally(() => {
          if (card.value?.paymentId === id) schedulePoll();
        });
    }, POLL_MS);
  }

  function apply(value: CardPaymentView): void {
    if (!card.value || card.value.paymentId !== value.paymentId) return;
    // A final answer is never replaced by a late "waiting" one.
    if (!LIVE_STAGES.includes(card.value.status) && LIVE_STAGES.includes(value.status)) return;
    card.value = value;
    if (!cardLive.value) stopPolling();
  }

  const unsubscribe = portal.onDeskPaymentUpdate(apply);
  onScopeDispose(() => {
    unsubscribe();
    stopPolling();
  });

  async function loadReaders(): Promise<void> {
    readersError.value = null;
    try {
      const value = await portal.deskReaders();
      readers.value = value.readers;
      chosenReaderId.value = value.chosenReaderId;
    } catch (cause) {
      readersError.value = ApiError.from(cause);
    }
  }

  async function chooseReader(readerId: string): Promise<void> {
    const value = await portal.deskChooseReader(readerId);
    chosenReaderId.value = value.chosenReaderId;
  }

  async function guarded<T>(run: () => Promise<T>): Promise<T> {
    if (sending.value)
      throw new ApiError({ code: 'conflict', reason: 'payment_in_flight', message: 'This payment is already being sent.' });
    sending.value = true;
    try {
      return await run();
    } finally {
      sending.value = false;
    }
  }

  /** Starts a card-present payment (`invoiceId` null: on account); throws ApiError when the reader refuses (busy, offline). */
  async function startCard(invoiceId: string | null, customerId: string, amount: number): Promise<void> {
    clearResult();
    const value = await guarded(() => portal.deskTakeCardPayment({ invoiceId, customerId, amount }));
    card.value = value;
    schedulePoll();
  }

  async function cancelCard(): Promise<void> {
    const readerId = card.value?.readerId;
    if (!readerId || canceling.value) return;
    canceling.value = true;
    try {
      await portal.deskCancelCardPayment(readerId);
      if (card.value) apply(await portal.deskCardPayment(card.value.paymentId));
    } finally {
      canceling.value = false;
    }
  }

  /** Training mode: the simulated reader reads this test card. */
  async function presentTestCard(choice: TestCard): Promise<void> {
    const readerId = card.value?.readerId;
    if (!readerId) return;
    await portal.deskPresentTestCard({ readerId, card: choice });
  }

  async function recordCash(invoiceId: string, amount: number): Promise<OfflineResult> {
    clearResult();
    const value = await guarded(() => portal.deskRecordCash({ invoiceId, amount }));
    offline.value = value;
    return value;
  }

  /** Cash through the station's open drawer (refused with `drawer_not_open` when none is open): the change, and the kick. */
  async function drawerCash(request: RequestOf<'deskDrawerCash'>): Promise<OfflineResult> {
    clearResult();
    const value = await guarded(() => portal.deskDrawerCash(request));
    offline.value = value;
    drawerSale.value = { change: value.change, kicked: value.kick.kicked };
    return value;
  }

  async function recordCheck(invoiceId: string, amount: number, checkNumber: string): Promise<OfflineResult> {
    clearResult();
    const value = await guarded(() => portal.deskRecordCheck({ invoiceId, amount, checkNumber: checkNumber.trim() }));
    offline.value = value;
    return value;
  }

  /** Cash or a check on account (no invoice): credited to the customer's balance; queued like any cash when offline. */
  async function recordOnAccount(method: 'cash' | 'check', customerId: string, amount: number, checkNumber = ''): Promise<OfflineResult> {
    clearResult();
    const request = method === 'check' ? { method, customerId, amount, checkNumber: checkNumber.trim() } : { method, customerId, amount };
    const value = await guarded(() => portal.deskRecordOnAccount(request));
    offline.value = value;
    return value;
  }

  /**
   * Retry of a card payment whose answer was lost, or whose money was taken but not yet applied to
   * the invoice or the customer's account: main finishes it with the same keys (never charged twice).
   */
  async function retryCard(paymentId: string): Promise<void> {
    const value = await guarded(() => portal.deskRetryCardPayment(paymentId));
    card.value = value;
    schedulePoll();
  }

  /** Print (or reprint) a desk payment's receipt; the answer is kept for the screen. */
  async function printReceipt(paymentId: string, reprint = false): Promise<DeskPrintAnswer | null> {
    if (printing.value) return null;
    printing.value = true;
    printError.value = null;
    printAnswer.value = null;
    try {
      const answer = reprint ? await portal.deskReprintReceipt(paymentId) : await portal.deskPrintReceipt(paymentId);
      printAnswer.value = answer;
      return answer;
    } catch (cause) {
      printError.value = ApiError.from(cause);
      return null;
    } finally {
      printing.value = false;
    }
  }

  /**
   * E-mails a desk payment's receipt to the customer's address on file; the answer is kept for the
   * screen. A refusal (no address, mail server down) is an answer with `sent: false`, not an error.
   */
  async function emailReceipt(paymentId: string): Promise<DeskEmailAnswer | null> {
    if (emailing.value) return null;
    emailing.value = true;
    emailError.value = null;
    emailAnswer.value = null;
    try {
      const answer = await portal.deskEmailReceipt(paymentId);
      emailAnswer.value = answer;
      return answer;
    } catch (cause) {
      emailError.value = ApiError.from(cause);
      return null;
    } finally {
      emailing.value = false;
    }
  }

  /**
   * Manager: refunds a payment, all that is still refundable when `amount` is left out. `requestId`
   * is one per refund dialog, so pressing Refund again after a lost answer never refunds twice.
   * Throws ApiError.
   */
  async function refund(request: RequestOf<'deskRefund'>): Promise<ResponseOf<'deskRefund'>> {
    return portal.deskRefund(request);
  }

  /** Manager: what is still refundable of a payment. Throws ApiError. */
  async function refundable(paymentIntentId: string): Promise<ResponseOf<'deskRefundable'>> {
    return portal.deskRefundable(paymentIntentId);
  }

  function clearResult(): void {
    stopPolling();
    card.value = null;
    offline.value = null;
    drawerSale.value = null;
    printAnswer.value = null;
    printError.value = null;
    emailAnswer.value = null;
    emailError.value = null;
  }

  function reset(): void {
    clearResult();
    sending.value = false;
    canceling.value = false;
    printing.value = false;
    emailing.value = false;
  }

  return {
    readers,
    chosenReaderId,
    chosenReader,
    readersError,
    card,
    cardLive,
    offline,
    drawerSale,
    sending,
    canceling,
    printing,
    printAnswer,
    printError,
    emailing,
    emailAnswer,
    emailError,
    loadReaders,
    chooseReader,
    startCard,
    cancelCard,
    presentTestCard,
    recordCash,
    drawerCash,
    recordCheck,
    recordOnAccount,
    retryCard,
    printReceipt,
    emailReceipt,
    refund,
    refundable,
    clearResult,
    reset,
  };
});
