/**
 * Server-driven reader actions: process_payment_intent, cancel_action, and the test helper
 * present_payment_method that plays the customer tapping a card on a simulated reader.
 *
 * An action answers at once with `status: in_progress` and stays so until a card is presented or
 * the action is canceled (nothing presented = the reader times out on the app's side, which then
 * calls cancel_action). Outcomes follow Stripe's test data: the decline card numbers, and the last
 * two digits of the amount (01 call_issuer, 05 generic_decline, 55 incorrect_pin,
 * 65 withdrawal_count_limit_exceeded, 75 pin_try_exceeded; anything else approves).
 */
import type { Ctx } from './context.js';
import { createCharge } from './charges.js';
import type { Store } from './store.js';
import { cardByNumber, fingerprint, type Decline } from './test-cards.js';
import { failAction, mustReader, publicReader } from './terminal-readers.js';
import { docUrl, invalid, type Obj, type StripeError } from './wire.js';

const INTEGRATION_GUIDE =
  'https://stripe.com/docs/terminal/payments/collect-card-payment?terminal-sdk-platform=server-driven#handle-errors';

const declined = (decline_code: string, message: string): Decline => ({ code: 'card_declined', decline_code, message });

/** Amount-based test outcomes (last two digits of the amount in minor units). */
const AMOUNT_OUTCOMES: Record<string, Decline> = {
  '01': declined('call_issuer', 'Your card was declined.'),
  '05': declined('generic_decline', 'Your card was declined.'),
  '55': declined('incorrect_pin', 'The PIN entered is incorrect.'),
  '65': declined('withdrawal_count_limit_exceeded', 'The customer has exceeded the balance or credit limit available on their card.'),
  '75': declined('pin_try_exceeded', 'The allowable number of PIN tries has been exceeded.'),
};

function terminalError(
  code: 'terminal_reader_busy' | 'terminal_reader_offline' | 'intent_invalid_state',
  message: string,
  param?: string,
): StripeError {
  return invalid(message, param, code);
}

function assertOnline(reader: Obj): void {
  if (reader.status !== 'online') {
    throw terminalError(
      'terminal_reader_offline',
      'Reader is currently offline, please ensure the reader is powered on and connected to the internet before retrying your request.',
    );
  }
}

function runningAction(reader: Obj): Obj | null {
  const action = reader.action as Obj | null;
  return action && action.status === 'in_progress' ? action : null;
}

export function registerTerminalActions(ctx: Ctx): void {
  const { store } = ctx;

  ctx.route('POST', '/v1/terminal/readers/:id/process_payment_intent', ({ params: p, path }) => {
    const reader = mustReader(store, path.id!);
    const piId = p.reqStr('payment_intent', { max: 255 });
    const cfg = p.obj('process_config');
    const config: Obj = {};
    if (cfg) {
      for (const k of ['enable_customer_cancellation', 'skip_tipping'] as const) {
        const v = cfg.bool(k);
        if (v !== undefined) config[k] = v;
      }
      const ret = cfg.str('return_url', { max: 2000 });
      if (ret) config.return_url = ret;
      cfg.str('allow_redisplay', { oneOf: ['always', 'limited', 'unspecified'] });
      const tipping = cfg.obj('tipping');
      const eligible = tipping?.int('amount_eligible', { min: 0 });
      if (eligible !== undefined) config.tipping = { amount_eligible: eligible };
    }
    p.done();
    assertOnline(reader);
    if (runningAction(reader)) {
      throw terminalError(
        'terminal_reader_busy',
        `Reader is currently busy processing another request. Please reference the integration guide at ${INTEGRATION_GUIDE} for details on how to handle this error.`,
      );
    }
    const pi = store.must('payment_intent', piId, 'payment_intent');
    if (!(pi.payment_method_types as string[]).includes('card_present')) {
      throw invalid(
        'This PaymentIntent does not accept card_present payments. Create it with payment_method_types including card_present.',
        'payment_intent',
        'payment_intent_incompatible_payment_method',
      );
    }
    if (pi.status !== 'requires_payment_method') {
      const e = terminalError(
        'intent_invalid_state',
        `Payment intent must be in the requires_payment_method state to be processed by a reader. This PaymentIntent has a status of ${pi.status as string}.`,
        'payment_intent',
      );
      e.body.payment_intent = pi;
      throw e;
    }
    const ppi: Obj = { payment_intent: pi.id };
    if (Object.keys(config).length > 0) ppi.process_config = config;
    reader.action = {
      api_error: null,
      failure_code: null,
      failure_message: null,
      process_payment_intent: ppi,
      status: 'in_progress',
      type: 'process_payment_intent',
    };
    reader.last_seen_at = store.nowMs();
    store.save(reader);
    return publicReader(reader);
  });

  ctx.route('POST', '/v1/terminal/readers/:id/cancel_action', ({ params: p, path }) => {
    const reader = mustReader(store, path.id!);
    p.done();
    assertOnline(reader);
    if (!runningAction(reader)) {
      throw invalid('This reader has no action in progress to cancel.', undefined, 'terminal_reader_action_not_in_progress');
    }
    // The intent is untouched: it stays requires_payment_method and can be processed again.
    failAction(store, reader, 'canceled', 'The reader action was canceled.');
    return publicReader(reader);
  });

  ctx.route('POST', '/v1/test_helpers/terminal/readers/:id/present_payment_method', ({ params: p, path }) => {
    const reader = mustReader(store, path.id!);
    const type = p.str('type', { oneOf: ['card_present', 'card', 'interac_present'] }) ?? 'card_present';
    const tip = p.int('amount_tip', { min: 0, max: 99_999_999 });
    const cp = p.obj('card_present');
    const card = p.obj('card');
    p.obj('interac_present')?.ignore('number');
    let number = cp?.str('number', { max: 30 });
    if (card) {
      number = card.reqStr('number', { max: 30 });
      card.int('exp_month', { required: true, min: 1, max: 12 });
      card.int('exp_year', { required: true });
      card.ignore('cvc');
    }
    p.done();
    if (type === 'interac_present') throw invalid('The offline sandbox simulates card_present payments only.', 'type');
    assertOnline(reader);
    const action = runningAction(reader);
    if (!action || action.type !== 'process_payment_intent') {
      throw invalid(
        'This reader has no process_payment_intent action in progress to present a payment method to.',
        undefined,
        'terminal_reader_action_not_in_progress',
      );
    }
    const digits = (number ?? '4242424242424242').replace(/[\s-]/g, '');
    const test = cardByNumber(digits);
    if (!test) {
      throw invalid(
        "Use one of Stripe's test card numbers (for example 4242424242424242) with a simulated reader.",
        cp ? 'card_present[number]' : 'card[number]',
        'incorrect_number',
      );
    }
    const pi = store.must('payment_intent', (action.process_payment_intent as Obj).payment_intent as string);
    if (pi.status !== 'requires_payment_method') {
      failAction(store, reader, 'intent_invalid_state', 'The PaymentIntent is no longer in the requires_payment_method state.');
      return publicReader(reader);
    }
    if (tip) {
      pi.amount = (pi.amount as number) + tip;
      pi.amount_details = { ...(pi.amount_details as Obj), tip: { amount: tip } };
    }
    const pm = cardPresentMethod(store, test.brand, digits, test.funding);
    store.insert(pm);
    const decline =
      test.decline ??
      AMOUNT_OUTCOMES[
        String((pi.amount as number) - (tip ?? 0))
          .padStart(2, '0')
          .slice(-2)
      ];
    const where = { reader: reader.id as string, location: (reader.location as string | null) ?? null };
    if (decline) {
      declineOnReader(ctx, reader, pi, pm, decline, where);
      return publicReader(reader);
    }
    const manual = pi.capture_method === 'manual';
    const charge = createCharge(store, pi, pm, { status: 'succeeded', captured: !manual, cardPresent: where });
    Object.assign(pi, { latest_charge: charge.id, payment_method: pm.id, last_payment_error: null, next_action: null });
    store.emit('charge.succeeded', charge);
    if (manual) {
      pi.status = 'requires_capture';
      pi.amount_capturable = pi.amount;
      store.save(pi);
      store.emit('payment_intent.amount_capturable_updated', pi);
    } else {
      Object.assign(pi, { status: 'succeeded', amount_received: pi.amount, amount_capturable: 0 });
      store.save(pi);
      store.emit('payment_intent.succeeded', pi);
      for (const h of ctx.hooks.intentSucceeded) h(pi);
    }
    Object.assign(action, { status: 'succeeded' });
    reader.last_seen_at = store.nowMs();
    store.save(reader);
    store.emit('terminal.reader.action_succeeded', publicReader(reader));
    return publicReader(reader);
  });
}

/** The PaymentMethod a tapped test card becomes: `card_present`, read contactless. */
function cardPresentMethod(store: Store, brand: string, number: string, funding: string): Obj {
  const year = new Date(store.now() * 1000).getUTCFullYear() + 3;
  return {
    id: store.newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    card_present: {
      brand,
      brand_product: null,
      cardholder_name: null,
      country: 'US',
      exp_month: 12,
      exp_year: year,
      fingerprint: fingerprint('card', number),
      funding,
      last4: number.slice(-4),
      networks: { available: [brand], preferred: null },
      offline: null,
      preferred_locales: ['en'],
      read_method: 'contactless_emv',
    },
    created: store.now(),
    customer: null,
    livemode: false,
    metadata: {},
    type: 'card_present',
    customer_account: null,
  };
}

function declineOnReader(ctx: Ctx, reader: Obj, pi: Obj, pm: Obj, d: Decline, where: { reader: string; location: string | null }): void {
  const { store } = ctx;
  const charge = createCharge(store, pi, pm, { status: 'failed', captured: false, failure: d, cardPresent: where });
  const error: Obj = {
    type: 'card_error',
    code: d.code,
    doc_url: docUrl(d.code),
    message: d.message,
    charge: charge.id,
    payment_method: pm,
    payment_method_type: 'card_present',
  };
  if (d.decline_code) error.decline_code = d.decline_code;
  Object.assign(pi, { latest_charge: charge.id, status: 'requires_payment_method', payment_method: null, last_payment_error: error });
  store.save(pi);
  store.emit('charge.failed', charge);
  store.emit('payment_intent.payment_failed', pi);
  for (const h of ctx.hooks.intentFailed) h(pi);
  const apiError: Obj = { type: 'card_error', code: d.code, message: d.message, doc_url: docUrl(d.code), charge: charge.id };
  if (d.decline_code) apiError.decline_code = d.decline_code;
  reader.last_seen_at = store.nowMs();
  failAction(store, reader, d.code, d.message, apiError);
}
