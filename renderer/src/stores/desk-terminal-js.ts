import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { RequestOf } from '../../../electron/shared/contract';
import type { CardPaymentView } from '../../../electron/shared/contract-desk';
import { ApiError, portal } from '../api/portal';
import type { TerminalJsAdapter, TerminalJsFailure, TerminalJsReader } from '../terminal/terminal-js-adapter';

/** creating: main makes the intent; collecting: the reader waits for the card and processes it; retry: main did not answer. */
export type TerminalJsStage = 'creating' | 'collecting' | 'capturing' | 'canceling' | 'retry';

type TakeRequest = Omit<RequestOf<'deskCreateTerminalJsPayment'>, 'readerId'>;

const failure = (code: string, message: string): TerminalJsFailure => ({ ok: false, code, message });

/**
 * Card-present payments with `terminalDriver: 'js'`: the reader is driven from this window by
 * `@stripe/terminal-js` (terminal/terminal-js-adapter.ts); main creates the intent, captures it
 * after the reader processed it, or cancels it (a decline, Cancel, a reader that dropped off).
 * Also the station's reader: found with the SDK, connected, and remembered by main per station.
 */
export const useDeskTerminalJsStore = defineStore('deskTerminalJs', () => {
  const readers = shallowRef<readonly TerminalJsReader[]>([]);
  const chosenReaderId = ref<string | null>(null);
  const connected = shallowRef<TerminalJsReader | null>(null);
  const discovering = ref(false);
  const connecting = ref(false);
  /** Why the reader could not be found, connected or used (shown at the reader). */
  const readerFailure = shallowRef<TerminalJsFailure | null>(null);

  const stage = ref<TerminalJsStage | null>(null);
  const amount = ref<number | null>(null);
  /** How the payment ended, as main recorded it (the same shape as a server-driven payment). */
  const result = shallowRef<CardPaymentView | null>(null);
  /** What the reader said when it did not approve (a decline, Cancel, a disconnect). */
  const readerAnswer = shallowRef<TerminalJsFailure | null>(null);
  /** Main did not answer a capture or cancel: the payment is still open (see `retry`). */
  const error = shallowRef<ApiError | null>(null);
  const live = computed(() => stage.value !== null);

  let attemptId: string | null = null;
  let cancelRequested = false;
  let lastAction: 'capture' | 'cancel' = 'capture';
  /** Ends the wait for the reader when it drops off mid-payment. */
  let interrupt: ((f: TerminalJsFailure) => void) | null = null;

  // Loaded on first use, so stations with the server-driven reader never load the SDK's code.
  let adapterLoad: Promise<TerminalJsAdapter> | null = null;
  const sdk = (): Promise<TerminalJsAdapter> =>
    (adapterLoad ??= import('../terminal/terminal-js-adapter').then(({ createTerminalJsAdapter }) =>
      createTerminalJsAdapter({
        onDisconnect: (f) => {
          connected.value = null;
          readerFailure.value = f;
          interrupt?.(f);
        },
      }),
    ));

  async function loadChosen(): Promise<void> {
    try {
      chosenReaderId.value = (await portal.deskTerminalJsReader()).chosenReaderId;
    } catch {
      // Remembering the reader is a convenience; staff can still choose one.
    }
  }

  async function discover(simulated: boolean): Promise<void> {
    if (discovering.value) return;
    discovering.value = true;
    readerFailure.value = null;
    try {
      const found = await (await sdk()).discoverReaders({ simulated });
      readers.value = found.ok ? found.readers : [];
      if (!found.ok) readerFailure.value = found;
    } finally {
      discovering.value = false;
    }
  }

  async function connect(readerId: string): Promise<boolean> {
    const reader = readers.value.find((r) => r.id === readerId);
    if (!reader || connecting.value) return false;
    connecting.value = true;
    readerFailure.value = null;
    try {
      const answer = await (await sdk()).connect(reader);
      if (!answer.ok) {
        readerFailure.value = answer;
        return false;
      }
      connected.value = answer.reader;
      if (chosenReaderId.value !== answer.reader.id) {
        chosenReaderId.value = answer.reader.id;
        await portal.deskChooseTerminalJsReader(answer.reader.id).catch(() => undefined);
      }
      return true;
    } finally {
      connecting.value = false;
    }
  }

  /** Opening the payment form: finds the readers and connects the station's own when it is there. */
  async function prepare(simulated: boolean): Promise<void> {
    const current = (await sdk()).connectedReader();
    connected.value = current;
    if (current) return;
    await loadChosen();
    await discover(simulated);
    const remembered = chosenReaderId.value;
    if (remembered && readers.value.some((r) => r.id === remembered)) await connect(remembered);
  }

  async function disconnect(): Promise<void> {
    const answer = await (await sdk()).disconnect();
    if (answer.ok) connected.value = null;
    else readerFailure.value = answer;
  }

  /**
   * Takes a card payment on the connected reader. Throws ApiError when main refuses to start it
   * (amount, invoice, another payment in progress); everything after that ends in `result`, or in
   * `error` with the payment still open.
   */
  async function take(request: TakeRequest): Promise<void> {
    if (stage.value) throw new ApiError({ code: 'conflict', reason: 'reader_busy', message: 'This payment is already being taken.' });
    clear();
    cancelRequested = false;
    amount.value = request.amount;
    stage.value = 'creating';
    const adapter = await sdk();
    const reader = adapter.connectedReader();
    if (!reader) {
      stage.value = null;
      connected.value = null;
      readerFailure.value = failure('not_connected', 'No card reader is connected.');
      return;
    }
    let created: { attemptId: string; clientSecret: string };
    try {
      created = await portal.deskCreateTerminalJsPayment({ ...request, readerId: reader.id });
    } catch (cause) {
      stage.value = null;
      throw ApiError.from(cause);
    }
    attemptId = created.attemptId;
    if (cancelRequested) {
      readerAnswer.value = failure('canceled', 'The payment was canceled.');
      return settle('cancel');
    }
    stage.value = 'collecting';
    const dropped = new Promise<TerminalJsFailure>((resolve) => (interrupt = resolve));
    const processed = await Promise.race([adapter.collectAndProcess(created.clientSecret), dropped]);
    interrupt = null;
    if (processed.ok && !cancelRequested) return settle('capture');
    // Declined, canceled, or the reader dropped off: main cancels the intent, so nothing is captured.
    readerAnswer.value = processed.ok ? failure('canceled', 'The payment was canceled.') : processed;
    return settle('cancel');
  }

  async function settle(action: 'capture' | 'cancel'): Promise<void> {
    const id = attemptId;
    if (!id) return;
    lastAction = action;
    stage.value = action === 'capture' ? 'capturing' : 'canceling';
    error.value = null;
    try {
      result.value = action === 'capture' ? await portal.deskCaptureTerminalJsPayment(id) : await portal.deskCancelTerminalJsPayment(id);
      attemptId = null;
      stage.value = null;
    } catch (cause) {
      error.value = ApiError.from(cause);
      stage.value = 'retry';
    }
  }

  /** Main did not answer: asks again (a capture or cancel is never done twice). */
  async function retry(): Promise<void> {
    if (stage.value === 'retry') await settle(lastAction);
  }

  /** Cancel: stops the reader while it waits for the card; main cancels the intent. */
  async function cancel(): Promise<void> {
    if (stage.value === 'creating') {
      cancelRequested = true;
    } else if (stage.value === 'collecting') {
      cancelRequested = true;
      // The reader's wait ends with "canceled" and take() cancels at main. When the card is already
      // being processed the reader cannot stop; take() then cancels the approved intent at main.
      await (await sdk()).cancel();
    } else if (stage.value === 'retry') {
      readerAnswer.value ??= failure('canceled', 'The payment was canceled.');
      await settle('cancel');
    }
  }

  /** Closing the dialog while main did not answer: the attempt stays open at main, which settles it before the next payment for its invoice. */
  function abandon(): void {
    if (stage.value !== 'retry') return;
    attemptId = null;
    stage.value = null;
    clear();
  }

  function clear(): void {
    if (stage.value) return;
    result.value = null;
    readerAnswer.value = null;
    error.value = null;
    amount.value = null;
  }

  /** Sign-out: the payment's state goes; the reader stays connected (it belongs to the station). */
  function reset(): void {
    clear();
    readerFailure.value = null;
  }

  return {
    readers,
    chosenReaderId,
    connected,
    discovering,
    connecting,
    readerFailure,
    stage,
    amount,
    result,
    readerAnswer,
    error,
    live,
    prepare,
    discover,
    connect,
    disconnect,
    take,
    retry,
    cancel,
    abandon,
    clear,
    reset,
  };
});
