/**
 * Confirming a PaymentIntent with a PaymentMethod: test-card outcomes, ACH mandates, microdeposit
 * verification, processing and settlement.
 */
import { Reply, type Ctx } from './context.js';
import { createCharge, createMandate, type Acceptance } from './charges.js';
import { attachPaymentMethod, resolvePaymentMethod, type PmMeta } from './payment-methods.js';
import { ACH_FAILURE_MESSAGES, bankByFingerprint, cardByFingerprint, type Decline } from './test-cards.js';
import { docUrl, invalid, type ErrorBody, type Obj, type Params } from './wire.js';

export interface ConfirmOptions {
  paymentMethod?: string;
  mandateData?: Acceptance;
  mandate?: string;
  offSession?: boolean;
}

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation'];

export function unexpectedState(kind: 'payment_intent' | 'setup_intent', obj: Obj, action: string): ReturnType<typeof invalid> {
  const label = kind === 'payment_intent' ? 'PaymentIntent' : 'SetupIntent';
  const e = invalid(
    `You cannot ${action} this ${label} because it has a status of ${String(obj.status)}.`,
    undefined,
    `${kind}_unexpected_state`,
  );
  e.body[kind] = obj;
  return e;
}

/** Finds the PaymentMethod to confirm with and checks it fits the intent. */
export function pickPaymentMethod(ctx: Ctx, intent: Obj, kind: 'payment_intent' | 'setup_intent', o: ConfirmOptions): Obj {
  const pmId = o.paymentMethod ?? (intent.payment_method as string | null);
  if (!pmId) {
    throw invalid(
      `You cannot confirm this ${kind === 'payment_intent' ? 'PaymentIntent' : 'SetupIntent'} because it's missing a payment method. Update it with a payment_method and try again.`,
      'payment_method',
      `${kind}_unexpected_state`,
    );
  }
  const pm = resolvePaymentMethod(ctx, pmId, 'payment_method');
  if (!(intent.payment_method_types as string[]).includes(pm.type as string)) {
    throw invalid(
      `The PaymentMethod provided (${String(pm.type)}) is not allowed for this ${kind === 'payment_intent' ? 'PaymentIntent' : 'SetupIntent'}. Allowed: ${(intent.payment_method_types as string[]).join(', ')}.`,
      'payment_method',
      `${kind}_incompatible_payment_method`,
    );
  }
  if (pm.customer && pm.customer !== intent.customer) {
    throw invalid(
      `The provided PaymentMethod ${String(pm.id)} belongs to a different Customer than this ${kind === 'payment_intent' ? 'PaymentIntent' : 'SetupIntent'}.`,
      'payment_method',
      'payment_method_unexpected_state',
    );
  }
  return pm;
}

export function cardDecline(pm: Obj): Decline | undefined {
  if (pm.type !== 'card') return undefined;
  return cardByFingerprint((pm.card as Obj).fingerprint as string)?.decline;
}

/** The mandate for an ACH confirm: new from mandate_data, given by id, or the PM's existing one. */
export function achMandate(ctx: Ctx, pm: Obj, o: ConfirmOptions): string {
  const { store } = ctx;
  if (o.mandateData) {
    return createMandate(store, pm, o.mandateData).id as string;
  }
  if (o.mandate) return store.must('mandate', o.mandate, 'mandate').id as string;
  const existing = store.meta<PmMeta>(pm.id as string).mandate;
  if (existing) return existing;
  throw invalid(
    'A mandate is required to confirm a us_bank_account payment. Provide mandate_data with the customer_acceptance, or a mandate id.',
    'mandate_data',
    'parameter_missing',
  );
}

export function microdepositAction(ctx: Ctx, intentId: string): Obj {
  const now = ctx.store.now();
  return {
    type: 'verify_with_microdeposits',
    verify_with_microdeposits: {
      arrival_date: now + 2 * 86_400,
      hosted_verification_url: `https://payments.stripe.com/microdeposit/sandbox/${intentId}`,
      microdeposit_type: 'descriptor_code',
    },
  };
}

export function confirmPaymentIntent(ctx: Ctx, pi: Obj, o: ConfirmOptions): Obj | Reply {
  const { store } = ctx;
  if (!CONFIRMABLE.includes(pi.status as string)) throw unexpectedState('payment_intent', pi, 'confirm');
  const pm = pickPaymentMethod(ctx, pi, 'payment_intent', o);
  pi.payment_method = pm.id;
  pi.last_payment_error = null;
  pi.next_action = null;
  if (pm.type === 'card') {
    const decline = cardDecline(pm);
    if (decline) return declinePaymentIntent(ctx, pi, pm, decline);
    const manual = pi.capture_method === 'manual';
    const charge = createCharge(store, pi, pm, { status: 'succeeded', captured: !manual });
    pi.latest_charge = charge.id;
    store.emit('charge.succeeded', charge);
    attachIfSaving(ctx, pi, pm, o);
    if (manual) {
      pi.status = 'requires_capture';
      pi.amount_capturable = pi.amount;
      store.save(pi);
      store.emit('payment_intent.amount_capturable_updated', pi);
    } else {
      succeed(ctx, pi);
    }
    return pi;
  }
  const mandate = achMandate(ctx, pm, o);
  store.setMeta(pi.id as string, { mandate });
  attachIfSaving(ctx, pi, pm, o);
  if (store.meta<PmMeta>(pm.id as string).needsVerification) {
    pi.status = 'requires_action';
    pi.next_action = microdepositAction(ctx, pi.id as string);
    store.save(pi);
    store.emit('payment_intent.requires_action', pi);
    const bank = bankByFingerprint((pm.us_bank_account as Obj).fingerprint as string);
    if (bank?.outcome === 'microdeposits_failed') {
      store.schedule(pi.id as string, 'microdeposits', store.nowMs() + ctx.achSettlementMs);
      ctx.onSchedule();
    }
    return pi;
  }
  startProcessing(ctx, pi, pm, mandate);
  return pi;
}

function attachIfSaving(ctx: Ctx, pi: Obj, pm: Obj, o: ConfirmOptions): void {
  if (typeof pi.customer === 'string' && !pm.customer && (pi.setup_future_usage || o.offSession)) {
    attachPaymentMethod(ctx, pm, pi.customer);
  }
}

function succeed(ctx: Ctx, pi: Obj): void {
  pi.status = 'succeeded';
  pi.amount_received = pi.amount;
  pi.amount_capturable = 0;
  ctx.store.save(pi);
  ctx.store.emit('payment_intent.succeeded', pi);
  for (const h of ctx.hooks.intentSucceeded) h(pi);
}

export function declineBody(kind: 'payment_intent' | 'setup_intent', intent: Obj, pm: Obj, d: Decline, charge?: string): ErrorBody {
  const body: ErrorBody = { type: 'card_error', code: d.code, message: d.message, doc_url: docUrl(d.code) };
  if (d.decline_code) body.decline_code = d.decline_code;
  if (d.param) body.param = d.param;
  if (charge) body.charge = charge;
  body[kind] = intent;
  body.payment_method = pm;
  return body;
}

function lastError(d: Decline, pm: Obj, charge: string | undefined, type = 'card_error'): Obj {
  const e: Obj = { type, code: d.code, doc_url: docUrl(d.code), message: d.message, payment_method: pm, payment_method_type: pm.type };
  if (d.decline_code) e.decline_code = d.decline_code;
  if (d.param) e.param = d.param;
  if (charge) e.charge = charge;
  return e;
}

export function declinePaymentIntent(ctx: Ctx, pi: Obj, pm: Obj, d: Decline): Reply {
  const { store } = ctx;
  const charge = createCharge(store, pi, pm, { status: 'failed', captured: false, failure: d });
  pi.latest_charge = charge.id;
  pi.status = 'requires_payment_method';
  pi.payment_method = null;
  pi.last_payment_error = lastError(d, pm, charge.id as string);
  store.save(pi);
  store.emit('charge.failed', charge);
  store.emit('payment_intent.payment_failed', pi);
  for (const h of ctx.hooks.intentFailed) h(pi);
  return new Reply(402, declineBody('payment_intent', pi, pm, d, charge.id as string));
}

export function startProcessing(ctx: Ctx, pi: Obj, pm: Obj, mandate: string): void {
  const { store } = ctx;
  const charge = createCharge(store, pi, pm, { status: 'pending', captured: true, mandate });
  pi.latest_charge = charge.id;
  pi.status = 'processing';
  pi.next_action = null;
  store.save(pi);
  store.emit('charge.pending', charge);
  store.emit('payment_intent.processing', pi);
  const bank = bankByFingerprint((pm.us_bank_account as Obj).fingerprint as string);
  if (bank?.outcome !== 'processing') {
    store.schedule(pi.id as string, 'debit', store.nowMs() + ctx.achSettlementMs);
    ctx.onSchedule();
  }
}

/** Settles one scheduled ACH item (debit result, or microdeposits that could not be sent). */
export function settle(ctx: Ctx, intentId: string, kind: string): void {
  const { store } = ctx;
  store.unschedule(intentId);
  const pi = store.get(intentId);
  if (!pi || pi.object !== 'payment_intent') return;
  if (kind === 'microdeposits') {
    if (pi.status !== 'requires_action') return;
    const pm = store.get(pi.payment_method as string) ?? {};
    pi.status = 'requires_payment_method';
    pi.next_action = null;
    pi.payment_method = null;
    pi.last_payment_error = lastError(
      { code: 'payment_method_microdeposit_failed', message: ACH_FAILURE_MESSAGES.microdeposits_failed! },
      pm,
      undefined,
      'invalid_request_error',
    );
    store.save(pi);
    store.emit('payment_intent.payment_failed', pi);
    for (const h of ctx.hooks.intentFailed) h(pi);
    return;
  }
  if (pi.status !== 'processing') return;
  const pm = store.must('payment_method', pi.payment_method as string);
  const charge = store.must('charge', pi.latest_charge as string);
  const outcome = bankByFingerprint((pm.us_bank_account as Obj).fingerprint as string)?.outcome ?? 'succeeded';
  if (outcome === 'succeeded' || outcome === 'microdeposits_failed') {
    Object.assign(charge, { status: 'succeeded', paid: true, amount_captured: charge.amount });
    store.save(charge);
    store.emit('charge.succeeded', charge);
    succeed(ctx, pi);
    return;
  }
  const message = ACH_FAILURE_MESSAGES[outcome] ?? 'The payment failed.';
  Object.assign(charge, { status: 'failed', failure_code: outcome, failure_message: message, balance_transaction: null });
  store.save(charge);
  pi.status = 'requires_payment_method';
  pi.payment_method = null;
  pi.last_payment_error = lastError({ code: outcome, message }, pm, charge.id as string);
  store.save(pi);
  store.emit('charge.failed', charge);
  store.emit('payment_intent.payment_failed', pi);
  for (const h of ctx.hooks.intentFailed) h(pi);
}

/** POST .../verify_microdeposits for a PaymentIntent or SetupIntent in requires_action. */
export function verifyMicrodeposits(
  ctx: Ctx,
  kind: 'payment_intent' | 'setup_intent',
  intent: Obj,
  p: Params,
  onVerified: (pm: Obj) => void,
): Obj | Reply {
  const { store } = ctx;
  const amounts = p.strArray('amounts', { max: 2 });
  const code = p.str('descriptor_code', { max: 10 });
  p.done();
  if (amounts && code) throw invalid('Provide either amounts or descriptor_code, not both.', 'descriptor_code');
  if (!amounts && !code) throw invalid('Missing required param: descriptor_code (or amounts).', 'descriptor_code', 'parameter_missing');
  if (amounts && (amounts.length !== 2 || amounts.some((a) => !/^\d+$/.test(a)))) {
    throw invalid('amounts must be two positive integers (cents).', 'amounts', 'parameter_invalid_integer');
  }
  const next = intent.next_action as Obj | null;
  if (intent.status !== 'requires_action' || next?.type !== 'verify_with_microdeposits') {
    throw unexpectedState(kind, intent, 'verify microdeposits on');
  }
  const a = amounts?.map(Number).join(',');
  const pm = store.must('payment_method', intent.payment_method as string);
  if (code === 'SM11AA' || a === '32,45') {
    store.setMeta(pm.id as string, { needsVerification: false });
    onVerified(pm);
    return intent;
  }
  const failure =
    code === 'SM33CC' || a === '10,11'
      ? {
          code: 'payment_method_microdeposit_verification_attempts_exceeded',
          message: 'You have exceeded the number of allowed verification attempts.',
        }
      : code === 'SM44DD' || a === '40,41'
        ? {
            code: 'payment_method_microdeposit_verification_timeout',
            message: 'Payment method should be verified with microdeposits within the required period.',
          }
        : undefined;
  if (!failure) {
    if (code)
      throw invalid(
        'The descriptor code provided does not match the one sent with the microdeposit.',
        'descriptor_code',
        'payment_method_microdeposit_verification_descriptor_code_mismatch',
      );
    throw invalid(
      'The amounts provided do not match the amounts that were sent to the bank account.',
      'amounts',
      'payment_method_microdeposit_verification_amounts_mismatch',
    );
  }
  store.unschedule(intent.id as string);
  intent.status = 'requires_payment_method';
  intent.next_action = null;
  intent.payment_method = null;
  const err = lastError(failure, pm, undefined, 'invalid_request_error');
  if (kind === 'payment_intent') intent.last_payment_error = err;
  else intent.last_setup_error = err;
  store.save(intent);
  store.emit(kind === 'payment_intent' ? 'payment_intent.payment_failed' : 'setup_intent.setup_failed', intent);
  if (kind === 'payment_intent') for (const h of ctx.hooks.intentFailed) h(intent);
  const body: ErrorBody = { type: 'invalid_request_error', code: failure.code, message: failure.message, doc_url: docUrl(failure.code) };
  body[kind] = intent;
  return new Reply(400, body);
}
