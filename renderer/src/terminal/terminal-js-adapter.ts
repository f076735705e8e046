/**
 * An adapter for `@stripe/terminal-js` (the JS SDK in the renderer), for deployments that drive the
 * reader from the renderer instead of the server-driven flow in main. The SDK is loaded from
 * js.stripe.com; its connection tokens come from main over IPC (`deskTerminalConnectionToken`), so
 * the secret key never reaches the renderer.
 *
 * Every call answers `{ ok: true, ... }` or `{ ok: false, code, message }` with a plain-words
 * message; nothing here throws.
 */
// `@stripe/terminal-js/pure` (its pure.js re-exports this file; see stripe-terminal-js-pure.d.ts).
import { loadStripeTerminal } from '@stripe/terminal-js/dist/pure.js';
import { portal } from '../api/portal';

/** The SDK's error shape (ExposedError in @stripe/terminal-js). */
export interface TerminalJsError {
  code?: string;
  message: string;
  decline_code?: string;
  type?: string;
}

/** A reader as the SDK reports it (Stripe.Terminal.Reader); only what the adapter reads is typed. */
export interface TerminalJsReader {
  id: string;
  label?: string | null;
  device_type?: string;
  status?: string | null;
  serial_number?: string;
  [key: string]: unknown;
}

export interface TerminalJsPaymentIntent {
  id: string;
  status?: string;
  amount?: number;
  currency?: string;
  [key: string]: unknown;
}

type Answer<T> = Promise<T | { error: TerminalJsError }>;

/** The part of the SDK's `Terminal` the adapter uses. */
export interface TerminalJsInstance {
  discoverReaders(config?: { simulated?: boolean; location?: string }): Answer<{ discoveredReaders: TerminalJsReader[] }>;
  connectReader(reader: TerminalJsReader, options?: Record<string, unknown>): Answer<{ reader: TerminalJsReader }>;
  collectPaymentMethod(clientSecret: string): Answer<{ paymentIntent: TerminalJsPaymentIntent }>;
  processPayment(paymentIntent: TerminalJsPaymentIntent): Answer<{ paymentIntent: TerminalJsPaymentIntent }>;
  cancelCollectPaymentMethod(): Answer<Record<string, never>>;
  disconnectReader(): Promise<unknown>;
}

/** The part of `window.StripeTerminal` the adapter uses. */
export interface TerminalJsSdk {
  create(props: {
    onFetchConnectionToken: () => Promise<string>;
    onUnexpectedReaderDisconnect?: (event: { error?: TerminalJsError }) => void;
  }): TerminalJsInstance;
}

export type TerminalJsFailure = { ok: false; code: string; message: string };
export type TerminalJsResult<T> = ({ ok: true } & T) | TerminalJsFailure;

export interface TerminalJsAdapterOptions {
  /** Loads the SDK (default: `loadStripeTerminal` from `@stripe/terminal-js/pure`, i.e. js.stripe.com/terminal/v1). */
  load?: () => Promise<TerminalJsSdk | null>;
  /** A connection token's secret (default: main's, over IPC). */
  fetchConnectionToken?: () => Promise<string>;
  /** Told when the reader drops off without being asked to (the SDK's onUnexpectedReaderDisconnect). */
  onDisconnect?: (failure: TerminalJsFailure) => void;
}

export interface TerminalJsAdapter {
  discoverReaders(options: { simulated: boolean }): Promise<TerminalJsResult<{ readers: TerminalJsReader[] }>>;
  connect(reader: TerminalJsReader): Promise<TerminalJsResult<{ reader: TerminalJsReader }>>;
  /** collectPaymentMethod → processPayment on the connected reader. Capture stays with main. */
  collectAndProcess(clientSecret: string): Promise<TerminalJsResult<{ paymentIntent: TerminalJsPaymentIntent }>>;
  cancel(): Promise<TerminalJsResult<{ canceled: true }>>;
  disconnect(): Promise<TerminalJsResult<{ disconnected: true }>>;
  /** The connected reader (null: none, or it dropped off). */
  connectedReader(): TerminalJsReader | null;
  /** The last unexpected disconnect (null: none since the last connect). */
  lastDisconnect(): TerminalJsFailure | null;
}

/** Plain words for the SDK's error codes the desk is likely to see. */
const MESSAGES: Record<string, string> = {
  sdk_unavailable: 'The card reader software could not be loaded. Check the connection and try again.',
  connection_token_failed: 'The station could not get permission to use the card reader. Try again, or ask a manager.',
  no_readers: 'No card reader was found.',
  not_connected: 'No card reader is connected. Connect the reader and try again.',
  no_established_connection: 'No card reader is connected. Connect the reader and try again.',
  reader_disconnected: 'The card reader disconnected. Check that it is on and connected, then connect it again.',
  already_connected: 'A card reader is already connected.',
  card_declined: 'The card was declined. Ask for another way to pay.',
  canceled: 'The payment was canceled.',
  cancelled: 'The payment was canceled.',
  payment_intent_unexpected_state: 'This payment cannot be taken in its current state. Start a new payment.',
  expired_card: 'The card has expired. Ask for another card.',
  insufficient_funds: 'The card was declined for insufficient funds. Ask for another way to pay.',
  busy: 'The card reader is busy. Wait for it to finish, or cancel, and try again.',
};

const FALLBACK = 'The card reader reported a problem. Try again.';

function fail(code: string, detail?: string): TerminalJsFailure {
  return { ok: false, code, message: MESSAGES[code] ?? (detail && detail.trim() ? detail : FALLBACK) };
}

function fromSdkError(error: TerminalJsError, fallbackCode: string): TerminalJsFailure {
  const code = error.decline_code && MESSAGES[error.decline_code] ? error.decline_code : error.code || fallbackCode;
  return fail(code, error.message);
}

function isError<T>(answer: T | { error: TerminalJsError }): answer is { error: TerminalJsError } {
  return typeof answer === 'object' && answer !== null && 'error' in answer && Boolean((answer as { error?: unknown }).error);
}

const defaultLoad = (): Promise<TerminalJsSdk | null> =>
  // window.StripeTerminal as loaded from js.stripe.com/terminal/v1; typed here to what the adapter uses.
  loadStripeTerminal() as Promise<TerminalJsSdk | null>;

const defaultFetchConnectionToken = async (): Promise<string> => (await portal.deskTerminalConnectionToken()).secret;

export function createTerminalJsAdapter(options: TerminalJsAdapterOptions = {}): TerminalJsAdapter {
  const load = options.load ?? defaultLoad;
  const fetchConnectionToken = options.fetchConnectionToken ?? defaultFetchConnectionToken;
  let terminal: Promise<TerminalJsInstance | TerminalJsFailure> | null = null;
  let connected: TerminalJsReader | null = null;
  let disconnectedBy: TerminalJsFailure | null = null;

  function instance(): Promise<TerminalJsInstance | TerminalJsFailure> {
    terminal ??= (async () => {
      let sdk: TerminalJsSdk | null;
      try {
        sdk = await load();
      } catch {
        sdk = null;
      }
      if (!sdk) {
        terminal = null; // let a later call try again
        return fail('sdk_unavailable');
      }
      return sdk.create({
        onFetchConnectionToken: async () => {
          try {
            return await fetchConnectionToken();
          } catch (cause) {
            // The SDK turns this into its own error on the call that needed the token.
            const message = cause instanceof Error ? cause.message : String(cause);
            throw Object.assign(new Error(message), { code: 'connection_token_failed' });
          }
        },
        onUnexpectedReaderDisconnect: () => {
          connected = null;
          disconnectedBy = fail('reader_disconnected');
          options.onDisconnect?.(disconnectedBy);
        },
      });
    })();
    return terminal;
  }

  /** Runs one SDK call; the SDK answers errors as values, but a thrown error is mapped the same way. */
  async function run<T, R>(
    fallbackCode: string,
    call: (t: TerminalJsInstance) => Promise<T | { error: TerminalJsError }>,
    done: (value: T) => TerminalJsResult<R>,
  ): Promise<TerminalJsResult<R>> {
    const t = await instance();
    if ('ok' in t) return t;
    try {
      const answer = await call(t);
      return isError(answer) ? fromSdkError(answer.error, fallbackCode) : done(answer);
    } catch (cause) {
      const code =
        typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string'
          ? (cause as { code: string }).code
          : fallbackCode;
      return fail(code, cause instanceof Error ? cause.message : undefined);
    }
  }

  return {
    discoverReaders: ({ simulated }) =>
      run(
        'discover_failed',
        (t) => t.discoverReaders({ simulated }),
        (r) => (r.discoveredReaders.length === 0 ? fail('no_readers') : { ok: true as const, readers: r.discoveredReaders }),
      ),

    connect: (reader) =>
      run(
        'connect_failed',
        (t) => t.connectReader(reader),
        (r) => {
          connected = r.reader;
          disconnectedBy = null;
          return { ok: true as const, reader: r.reader };
        },
      ),

    async collectAndProcess(clientSecret) {
      if (!connected) return fail('not_connected');
      const collected = await run(
        'collect_failed',
        (t) => t.collectPaymentMethod(clientSecret),
        (r) => ({ ok: true as const, paymentIntent: r.paymentIntent }),
      );
      if (!collected.ok) return collected;
      return run(
        'process_failed',
        (t) => t.processPayment(collected.paymentIntent),
        (r) => ({ ok: true as const, paymentIntent: r.paymentIntent }),
      );
    },

    cancel: () =>
      run(
        'cancel_failed',
        (t) => t.cancelCollectPaymentMethod(),
        () => ({ ok: true as const, canceled: true as const }),
      ),

    disconnect: () =>
      run(
        'disconnect_failed',
        async (t) => (await t.disconnectReader()) as Record<string, unknown>,
        () => {
          connected = null;
          return { ok: true as const, disconnected: true as const };
        },
      ),

    connectedReader: () => connected,
    lastDisconnect: () => disconnectedBy,
  };
}
