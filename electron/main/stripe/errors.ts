import Stripe from 'stripe';

export type GatewayErrorKind =
  | 'card' // declined or card problem: show to the customer
  | 'invalid' // we sent something Stripe refused
  | 'not_found'
  | 'idempotency'
  | 'auth' // the key is wrong: staff must fix settings
  | 'rate_limit'
  | 'unavailable' // could not reach Stripe, or Stripe had a 5xx: safe to retry with the same key
  | 'api';

/** What the rest of the app sees of a Stripe failure. No SDK types leak past the gateway. */
export class GatewayError extends Error {
  constructor(
    readonly kind: GatewayErrorKind,
    message: string,
    readonly details: {
      code?: string | undefined;
      declineCode?: string | undefined;
      param?: string | undefined;
      statusCode?: number | undefined;
      paymentIntentId?: string | undefined;
      setupIntentId?: string | undefined;
      requestId?: string | undefined;
    } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  /** True when nothing can have happened at Stripe's end, or a retry with the same key is safe. */
  get retryable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'rate_limit';
  }
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof Stripe.errors.StripeError) {
    const raw = (err.raw ?? {}) as { payment_intent?: { id?: string }; setup_intent?: { id?: string } };
    const details = {
      code: err.code,
      declineCode: err.decline_code,
      param: err.param,
      statusCode: err.statusCode,
      paymentIntentId: raw.payment_intent?.id,
      setupIntentId: raw.setup_intent?.id,
      requestId: err.requestId,
    };
    const kind = kindOf(err);
    return new GatewayError(kind, err.message, details);
  }
  return new GatewayError('api', err instanceof Error ? err.message : String(err));
}

function kindOf(err: Stripe.errors.StripeError): GatewayErrorKind {
  if (err instanceof Stripe.errors.StripeCardError) return 'card';
  if (err instanceof Stripe.errors.StripeConnectionError) return 'unavailable';
  if (err instanceof Stripe.errors.StripeAuthenticationError) return 'auth';
  if (err instanceof Stripe.errors.StripePermissionError) return 'auth';
  if (err instanceof Stripe.errors.StripeRateLimitError) return 'rate_limit';
  if (err instanceof Stripe.errors.StripeIdempotencyError) return 'idempotency';
  if (err.statusCode === 404 || err.code === 'resource_missing') return 'not_found';
  if (err instanceof Stripe.errors.StripeInvalidRequestError) return 'invalid';
  if ((err.statusCode ?? 0) >= 500) return 'unavailable';
  return 'api';
}
