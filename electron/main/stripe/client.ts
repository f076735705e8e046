import Stripe from 'stripe';
import type { Clock } from '../services/clock';
import { toGatewayError, type GatewayError } from './errors';

/** Where the SDK sends requests: Stripe itself (default) or the training sandbox on loopback. */
export interface StripeEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface GatewayOptions {
  secretKey: string;
  endpoint?: StripeEndpoint | undefined;
  clock: Clock;
  /** The SDK's own retries (connection errors, 409, 5xx), each with the same idempotency key. */
  maxNetworkRetries?: number;
  timeoutMs?: number;
  /** Told after every call whether Stripe answered (true) or could not be reached (false). */
  onReachability?: (reachable: boolean) => void;
}

/** Per-call options. A key that must survive a crash is created and stored by the caller first. */
export interface CallOptions {
  idempotencyKey?: string;
}

/**
 * The SDK client every gateway uses, and the one way its errors become GatewayErrors (telling the
 * connectivity monitor when Stripe could not be reached at all).
 */
export class StripeClient {
  readonly stripe: Stripe;
  readonly clock: Clock;
  private readonly reachability: (reachable: boolean) => void;

  constructor(opts: GatewayOptions) {
    this.clock = opts.clock;
    this.reachability = opts.onReachability ?? (() => {});
    this.stripe = new Stripe(opts.secretKey, {
      maxNetworkRetries: opts.maxNetworkRetries ?? 2,
      timeout: opts.timeoutMs ?? 20_000,
      appInfo: { name: 'payment-kiosk' },
      telemetry: false,
      ...(opts.endpoint ?? {}),
    });
    // Any HTTP answer at all (even an error) means Stripe is reachable.
    (this.stripe as unknown as { on(event: 'response', listener: () => void): void }).on('response', () => this.reachability(true));
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.error(err);
    }
  }

  error(err: unknown): GatewayError {
    const e = toGatewayError(err);
    if (e.kind === 'unavailable' && e.details.statusCode === undefined) this.reachability(false);
    return e;
  }
}
