/**
 * Card-present payments on a Stripe Terminal reader, driven from the main process (server-driven
 * integration): create a manual-capture card_present PaymentIntent, hand it to the reader, follow
 * the reader's action until the card is approved or fails, capture, and credit the invoice.
 *
 * Never charges twice: every write carries an idempotency key derived from the caller's stored
 * `idempotencyKeyBase`, and a retry looks at the existing intent and reader first.
 */
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { GatewayError } from '../../stripe/errors';
import type {
  BalanceTransactionView,
  CardPresentReceipt,
  CallOptions,
  ReaderActionView,
  ReaderView,
  TerminalGateway,
  TerminalIntentView,
} from '../../stripe/terminal-gateway';
import { plainMessage } from './messages';

export type { BalanceTransactionView, ReaderActionView, ReaderView, TerminalIntentView } from '../../stripe/terminal-gateway';

/** What the service needs from the gateway (a TerminalGateway satisfies it). */
export type TerminalGatewayPort = Pick<
  TerminalGateway,
  | 'listLocations'
  | 'createLocation'
  | 'registerReader'
  | 'listReaders'
  | 'retrieveReader'
  | 'createConnectionToken'
  | 'createTerminalIntent'
  | 'retrieveIntent'
  | 'processPaymentIntent'
  | 'cancelAction'
  | 'presentPaymentMethod'
  | 'captureIntent'
  | 'attachIntentToInvoice'
  | 'cancelIntent'
  | 'adjustCustomerBalance'
  | 'findBalanceTransaction'
>;

export interface TerminalServiceOptions {
  gateway: TerminalGatewayPort;
  clock: Clock;
  /** Waits between polls of the reader (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
  /** How often the reader is polled while it waits for a card (default 500 ms). */
  pollIntervalMs?: number;
  /** How long to wait for a card before canceling the reader action (default 120 s). */
  timeoutMs?: number;
  /** presentTestCard works only in training mode (the sandbox's simulated readers). */
  trainingMode?: boolean | (() => boolean);
  /**
   * The invoice guard (services/payments/invoice-guard.ts), asked just before capture: registers the
   * authorized intent on the invoice and answers whether the invoice still takes it. If another
   * payment reached the invoice while the card was read (on this station or another), the
   * authorization is released instead of overpaying. A registered intent is not attached again.
   */
  invoiceGuard?: (input: { invoiceId: string; paymentIntentId: string; amount: number }, key: CallOptions) => Promise<boolean>;
  /** Whether the intent is attached to the invoice already (a retry after the guard registered it). */
  invoiceHasIntent?: (invoiceId: string, paymentIntentId: string) => Promise<boolean>;
}

export interface TerminalPaymentInput {
  amount: number;
  currency: string;
  customerId: string | null;
  invoiceId: string | null;
  readerId: string;
  stationId: string;
  staffId: string | null;
  metadata?: Record<string, string>;
  description?: string;
  /** Stored by the caller before the first attempt; `:create`, `:process`, `:capture`, `:attach`, `:credit` are derived from it. */
  idempotencyKeyBase: string;
  /**
   * A payment on account (no invoice): once captured, the customer's balance is credited with the
   * amount (a customer balance transaction, `:credit` key, metadata plus `payment_intent`), so Stripe
   * applies it to their next invoice.
   */
  accountCredit?: { description: string; metadata: Record<string, string> };
}

/** A payment whose reader is driven elsewhere (the Terminal JS SDK in the renderer): no reader here. */
export type TerminalIntentInput = Omit<TerminalPaymentInput, 'readerId'>;

/** The EMV fields a card-present receipt must carry (from the charge's card_present.receipt). */
export type TerminalReceipt = Omit<CardPresentReceipt, 'cardholderVerificationMethod'>;

export type TerminalPaymentResult =
  | {
      status: 'succeeded';
      paymentIntentId: string;
      amount: number;
      currency: string;
      brand: string | null;
      last4: string | null;
      receipt: TerminalReceipt;
      /**
       * false when the payment succeeded but crediting the invoice (or, on account, the customer's
       * balance) failed: retry with the same key base.
       */
      invoiceAttached: boolean;
      /** On account: the customer balance transaction that credited it (null otherwise, or not yet). */
      accountCredit: BalanceTransactionView | null;
    }
  | { status: 'failed'; paymentIntentId: string; code: string; message: string };

export interface TerminalUpdate {
  stage: 'waiting_for_card' | 'capturing' | 'canceling';
  paymentIntentId: string;
  readerId: string;
}

export type TestCard =
  'visa' | 'mastercard' | 'amex' | 'declined' | 'insufficient_funds' | 'lost_card' | 'stolen_card' | 'expired' | 'processing_error';

const TEST_CARDS: Record<TestCard, string> = {
  visa: '4242424242424242',
  mastercard: '5555555555554444',
  amex: '378282246310005',
  declined: '4000000000000002',
  insufficient_funds: '4000000000009995',
  lost_card: '4000000000009987',
  stolen_card: '4000000000009979',
  expired: '4000000000000069',
  processing_error: '4000000000000119',
};

export const TRAINING_READER_LABEL = 'Training reader';
export const TRAINING_LOCATION_NAME = 'Front desk';

type Failed = Extract<TerminalPaymentResult, { status: 'failed' }>;

export class TerminalService {
  private readonly gateway: TerminalGatewayPort;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly training: () => boolean;
  private readonly invoiceGuard: TerminalServiceOptions['invoiceGuard'] | null;
  private readonly invoiceHasIntent: TerminalServiceOptions['invoiceHasIntent'] | null;

  constructor(opts: TerminalServiceOptions) {
    this.gateway = opts.gateway;
    this.clock = opts.clock;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.pollMs = opts.pollIntervalMs ?? 500;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    const t = opts.trainingMode ?? false;
    this.training = typeof t === 'function' ? t : () => t;
    this.invoiceGuard = opts.invoiceGuard ?? null;
    this.invoiceHasIntent = opts.invoiceHasIntent ?? null;
  }

  // ---- readers ------------------------------------------------------------------------------------

  async registerReader(registrationCode: string, label: string, locationId: string): Promise<ReaderView> {
    try {
      return await this.gateway.registerReader({ registrationCode, label, locationId });
    } catch (err) {
      if (err instanceof GatewayError && err.details.param === 'registration_code') {
        throw new AppError(
          'invalid_request',
          'That registration code was not recognized. Check the code shown on the reader.',
          'registrationCode',
        );
      }
      if (err instanceof GatewayError && err.details.param === 'location') {
        throw AppError.because('location_not_found', { field: 'locationId' });
      }
      throw mapError(err);
    }
  }

  async listReaders(): Promise<ReaderView[]> {
    return guard(() => this.gateway.listReaders());
  }

  /** The simulated WisePOS E used in training mode, at a "Front desk" location; made once, found by label after. */
  async ensureTrainingReader(): Promise<ReaderView> {
    const readers = await this.listReaders();
    const existing = readers.find((r) => r.label === TRAINING_READER_LABEL && r.simulated);
    if (existing) return existing;
    const locations = await guard(() => this.gateway.listLocations());
    const location =
      locations.find((l) => l.displayName === TRAINING_LOCATION_NAME) ??
      (await guard(() =>
        this.gateway.createLocation(
          { displayName: TRAINING_LOCATION_NAME, country: 'US' },
          { idempotencyKey: 'training:terminal-location:front-desk' },
        ),
      ));
    return guard(() =>
      this.gateway.registerReader(
        { registrationCode: 'simulated-wpe', label: TRAINING_READER_LABEL, locationId: location.id },
        { idempotencyKey: `training:terminal-reader:${location.id}` },
      ),
    );
  }

  /** For the Terminal JS SDK adapter: a short-lived secret, optionally scoped to a location. */
  async createConnectionToken(locationId?: string): Promise<{ secret: string; locationId: string | null }> {
    return guard(() => this.gateway.createConnectionToken(locationId));
  }

  /** Stops whatever the reader is doing; the intent stays payable. Nothing running is not an error. */
  async cancel(readerId: string): Promise<ReaderView> {
    try {
      return await this.gateway.cancelAction(readerId);
    } catch (err) {
      if (err instanceof GatewayError && err.kind === 'invalid' && err.details.code !== 'terminal_reader_offline') {
        const r = await guard(() => this.gateway.retrieveReader(readerId));
        if (r) return r;
      }
      throw mapError(err);
    }
  }

  /** Training mode only: taps a Stripe test card on the simulated reader. */
  async presentTestCard(readerId: string, card: TestCard = 'visa'): Promise<ReaderView> {
    if (!this.training()) throw AppError.because('test_cards_training_only');
    const number = TEST_CARDS[card];
    if (!number) throw AppError.because('test_card_unknown', { field: 'card' });
    return guard(() => this.gateway.presentPaymentMethod(readerId, { number }));
  }

  // ---- payments -----------------------------------------------------------------------------------

  async processPayment(input: TerminalPaymentInput, onUpdate?: (u: TerminalUpdate) => void): Promise<TerminalPaymentResult> {
    const key = keysOf(input);
    const created = await this.create(input);
    // A replayed create shows the intent as it was first made; what counts is its state now.
    let pi: TerminalIntentView | Failed = await guard(() => this.gateway.retrieveIntent(created.id));
    if (pi.status === 'requires_payment_method') {
      const earlier = await this.start(input.readerId, pi, key);
      pi = earlier ?? (await this.follow(input.readerId, pi.id, onUpdate));
    }
    if ('code' in pi) return pi;
    return this.finish(input, pi, key, onUpdate);
  }

  // ---- payments whose reader is driven by the Terminal JS SDK in the renderer ---------------------

  /**
   * Creates the manual-capture card_present intent exactly as processPayment does (same `:create`
   * key, same metadata); the renderer's reader collects and processes it with the client secret.
   */
  async createIntent(input: TerminalIntentInput): Promise<{ paymentIntentId: string; clientSecret: string }> {
    const created = await this.create(input);
    if (!created.clientSecret) throw AppError.because('stripe_refused', { message: "Stripe did not answer the payment's client secret." });
    return { paymentIntentId: created.id, clientSecret: created.clientSecret };
  }

  /** The intent as Stripe has it now. */
  async intent(paymentIntentId: string): Promise<TerminalIntentView> {
    return guard(() => this.gateway.retrieveIntent(paymentIntentId));
  }

  /**
   * Finishes an intent the reader approved: the same capture (`:capture` key), invoice credit
   * (`:attach` key) and receipt as processPayment. A captured intent is only credited and read back.
   */
  async complete(input: TerminalIntentInput, intent: TerminalIntentView): Promise<TerminalPaymentResult> {
    return this.finish(input, intent, keysOf(input));
  }

  /** Cancels an intent that was not captured (`:cancel` key); an authorization is released. */
  async cancelIntent(input: Pick<TerminalIntentInput, 'idempotencyKeyBase'>, paymentIntentId: string): Promise<TerminalIntentView> {
    return guard(() => this.gateway.cancelIntent(paymentIntentId, keysOf(input)('cancel')));
  }

  private async create(input: TerminalIntentInput): Promise<TerminalIntentView & { clientSecret: string | null }> {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw AppError.because('amount_not_valid', { field: 'amount' });
    if (!input.idempotencyKeyBase)
      throw AppError.because('invalid_input', { field: 'idempotencyKeyBase', message: 'a payment needs an idempotency key' });
    if (input.accountCredit && (input.invoiceId || !input.customerId)) {
      throw AppError.because('invalid_input', { field: 'customerId', message: 'a payment on account needs the customer and no invoice' });
    }
    const metadata: Record<string, string> = {
      ...(input.metadata ?? {}),
      station_id: input.stationId,
      ...(input.staffId ? { staff_id: input.staffId } : {}),
      ...(input.invoiceId ? { invoice_id: input.invoiceId } : {}),
    };
    return guard(() =>
      this.gateway.createTerminalIntent(
        {
          amount: input.amount,
          currency: input.currency,
          customerId: input.customerId,
          metadata,
          ...(input.description ? { description: input.description } : {}),
        },
        keysOf(input)('create'),
      ),
    );
  }

  /** Hands the intent to the reader, unless this attempt already did; returns an earlier attempt's failure. */
  private async start(readerId: string, pi: TerminalIntentView, key: (s: string) => CallOptions): Promise<Failed | null> {
    const reader = await this.reader(readerId);
    if (reader.status === 'offline') throw offline();
    const running = reader.action?.status === 'in_progress' ? reader.action : null;
    if (running) {
      if (running.paymentIntentId === pi.id) return null; // still going from an earlier call: follow it
      throw busy();
    }
    const { replayed } = await guard(() => this.gateway.processPaymentIntent(readerId, pi.id, key('process')));
    if (!replayed) return null;
    // This attempt started the reader before (a retry after an error): its outcome stands.
    const now = await this.reader(readerId);
    if (now.action?.paymentIntentId === pi.id) {
      return now.action.status === 'failed' ? failedFromAction(pi.id, now.action) : null;
    }
    if (pi.lastError) return failed(pi.id, pi.lastError.declineCode ?? pi.lastError.code ?? 'card_declined');
    // The earlier run left no trace on the reader: start it again (the intent itself guards against a second charge).
    await guard(() => this.gateway.processPaymentIntent(readerId, pi.id, key(`process:${this.clock.now()}`)));
    return null;
  }

  /** Polls the reader until its action for this intent ends, or cancels it after the timeout. */
  private async follow(readerId: string, piId: string, onUpdate?: (u: TerminalUpdate) => void): Promise<TerminalIntentView | Failed> {
    const startedAt = this.clock.now();
    onUpdate?.({ stage: 'waiting_for_card', paymentIntentId: piId, readerId });
    for (;;) {
      let reader: ReaderView | null | undefined;
      try {
        reader = await this.gateway.retrieveReader(readerId);
      } catch (err) {
        if (!(err instanceof GatewayError && err.retryable)) throw mapError(err);
        reader = undefined; // a blip while polling: keep waiting until the timeout
      }
      if (reader !== undefined) {
        const action = reader?.action?.paymentIntentId === piId ? reader.action : null;
        if (action?.status === 'succeeded') return guard(() => this.gateway.retrieveIntent(piId));
        if (action?.status === 'failed') return failedFromAction(piId, action);
        if (!action) {
          // The reader moved on or was reset: the intent says what happened.
          const pi = await guard(() => this.gateway.retrieveIntent(piId));
          if (pi.status === 'requires_capture' || pi.status === 'succeeded') return pi;
          return failed(piId, pi.lastError?.declineCode ?? pi.lastError?.code ?? 'canceled');
        }
      }
      if (this.clock.now() - startedAt >= this.timeoutMs) {
        onUpdate?.({ stage: 'canceling', paymentIntentId: piId, readerId });
        try {
          await this.gateway.cancelAction(readerId);
        } catch {
          // Nothing to cancel, or the reader is unreachable: the intent below decides.
        }
        const pi = await guard(() => this.gateway.retrieveIntent(piId));
        if (pi.status === 'requires_capture' || pi.status === 'succeeded') return pi; // approved as time ran out
        return failed(piId, 'timeout');
      }
      await this.sleep(this.pollMs);
    }
  }

  private async finish(
    input: TerminalIntentInput & { readerId?: string },
    intent: TerminalIntentView,
    key: (s: string) => CallOptions,
    onUpdate?: (u: TerminalUpdate) => void,
  ): Promise<TerminalPaymentResult> {
    let pi = intent;
    let registered = false;
    if (pi.status === 'requires_capture' && input.invoiceId && this.invoiceGuard) {
      const ok = await guard(() =>
        this.invoiceGuard!({ invoiceId: input.invoiceId!, paymentIntentId: pi.id, amount: pi.amountCapturable }, key('register')),
      );
      if (!ok) {
        await guard(() => this.gateway.cancelIntent(pi.id, key('cancel')));
        return failed(pi.id, 'invoice_changed');
      }
      registered = true;
    }
    if (pi.status === 'requires_capture') {
      if (input.readerId) onUpdate?.({ stage: 'capturing', paymentIntentId: pi.id, readerId: input.readerId });
      pi = await guard(() => this.gateway.captureIntent(pi.id, key('capture')));
    }
    if (pi.status !== 'succeeded') {
      return failed(pi.id, pi.status === 'canceled' ? 'canceled' : (pi.lastError?.declineCode ?? pi.lastError?.code ?? 'card_declined'));
    }
    let invoiceAttached = input.invoiceId === null && !input.accountCredit;
    let accountCredit: BalanceTransactionView | null = null;
    if (input.invoiceId) {
      try {
        const already = registered || (this.invoiceHasIntent ? await this.invoiceHasIntent(input.invoiceId, pi.id) : false);
        if (!already) await this.gateway.attachIntentToInvoice(input.invoiceId, pi.id, key('attach'));
        invoiceAttached = true;
      } catch {
        invoiceAttached = false; // the money is taken; the caller retries the attach with the same key base
      }
    } else if (input.accountCredit) {
      try {
        accountCredit = await this.creditAccount(input, pi, key);
        invoiceAttached = true;
      } catch {
        invoiceAttached = false; // the money is taken; the caller retries the credit with the same key base
      }
    }
    const r = pi.card?.receipt ?? null;
    return {
      status: 'succeeded',
      paymentIntentId: pi.id,
      amount: pi.amountReceived,
      currency: pi.currency,
      brand: pi.card?.brand ?? null,
      last4: pi.card?.last4 ?? null,
      receipt: {
        applicationPreferredName: r?.applicationPreferredName ?? null,
        dedicatedFileName: r?.dedicatedFileName ?? null,
        authorizationCode: r?.authorizationCode ?? null,
        authorizationResponseCode: r?.authorizationResponseCode ?? null,
        accountType: r?.accountType ?? null,
        applicationCryptogram: r?.applicationCryptogram ?? null,
        terminalVerificationResults: r?.terminalVerificationResults ?? null,
        transactionStatusInformation: r?.transactionStatusInformation ?? null,
        readMethod: r?.readMethod ?? null,
      },
      invoiceAttached,
      accountCredit,
    };
  }

  /**
   * Credits the customer's balance with a captured payment on account, once: a credit already made
   * for this intent (found by its metadata, even after Stripe pruned the key) is the answer; else
   * it is created under the `:credit` key.
   */
  private async creditAccount(
    input: TerminalIntentInput,
    pi: TerminalIntentView,
    key: (s: string) => CallOptions,
  ): Promise<BalanceTransactionView> {
    const customerId = input.customerId!;
    const credit = input.accountCredit!;
    const earlier = await this.gateway.findBalanceTransaction(customerId, 'payment_intent', pi.id, pi.created);
    if (earlier) return earlier;
    return this.gateway.adjustCustomerBalance(
      customerId,
      {
        amount: -pi.amountReceived,
        currency: pi.currency,
        description: credit.description,
        metadata: { ...credit.metadata, payment_intent: pi.id },
      },
      key('credit'),
    );
  }

  private async reader(id: string): Promise<ReaderView> {
    const r = await guard(() => this.gateway.retrieveReader(id)).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') throw AppError.because('reader_not_found');
      throw err;
    });
    if (!r) throw AppError.because('reader_not_found');
    return r;
  }
}

/** Every write of one payment derives its idempotency key from the caller's stored key base. */
const keysOf =
  (input: Pick<TerminalIntentInput, 'idempotencyKeyBase'>) =>
  (step: string): CallOptions => ({ idempotencyKey: `${input.idempotencyKeyBase}:${step}` });

function failed(paymentIntentId: string, code: string): Failed {
  return { status: 'failed', paymentIntentId, code, message: plainMessage(code) };
}

function failedFromAction(paymentIntentId: string, a: ReaderActionView): Failed {
  return failed(paymentIntentId, a.declineCode ?? a.failureCode ?? 'card_declined');
}

const busy = (): AppError => AppError.because('reader_busy');
const offline = (): AppError => AppError.because('reader_offline');

function mapError(err: unknown): unknown {
  if (!(err instanceof GatewayError)) return err;
  switch (err.details.code) {
    case 'terminal_reader_busy':
      return busy();
    case 'terminal_reader_offline':
      return offline();
    case 'terminal_reader_timeout':
      return AppError.because('reader_no_answer');
    case 'intent_invalid_state':
      return new AppError('conflict', plainMessage('intent_invalid_state'));
    default:
      break;
  }
  if (err.kind === 'not_found') return AppError.because('not_found');
  if (err.retryable) return AppError.because('stripe_unreachable');
  return new AppError('stripe_error', err.message);
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapError(err);
  }
}
