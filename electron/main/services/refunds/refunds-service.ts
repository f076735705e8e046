/**
 * Refunds of card payments (card and card_present), full or partial. Checks the refundable amount
 * first so an over-refund is refused with a field error before anything is written at Stripe.
 */
import { formatMoney } from '../../../shared/money';
import { AppError } from '../errors';
import { GatewayError } from '../../stripe/errors';
import type { RefundView, TerminalGateway } from '../../stripe/terminal-gateway';

export type { RefundView } from '../../stripe/terminal-gateway';

export type RefundsGatewayPort = Pick<TerminalGateway, 'retrieveIntent' | 'createRefund' | 'listRefunds'>;

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export interface RefundInput {
  paymentIntentId: string;
  /** Minor units; omitted = everything still refundable. */
  amount?: number;
  reason?: RefundReason;
  metadata?: Record<string, string>;
  /** Stored by the caller first when the refund must happen exactly once across restarts. */
  idempotencyKey?: string;
}

export class RefundsService {
  constructor(private readonly deps: { gateway: RefundsGatewayPort }) {}

  async refund(input: RefundInput): Promise<RefundView> {
    const { gateway } = this.deps;
    if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount <= 0)) {
      throw new AppError('invalid_request', 'The refund amount must be a positive whole number of cents.', 'amount');
    }
    const pi = await call(() => gateway.retrieveIntent(input.paymentIntentId));
    if (pi.status !== 'succeeded') throw new AppError('invalid_request', 'Only a completed payment can be refunded.', 'paymentIntentId');
    if (pi.refundable <= 0) throw new AppError('invalid_request', 'This payment has already been refunded in full.', 'amount');
    if (input.amount !== undefined && input.amount > pi.refundable) {
      throw new AppError('invalid_request', `The refund can be at most ${formatMoney(pi.refundable, pi.currency)}.`, 'amount');
    }
    try {
      return await gateway.createRefund(
        {
          paymentIntentId: pi.id,
          ...(input.amount !== undefined ? { amount: input.amount } : {}),
          ...(input.reason ? { reason: input.reason } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
        },
        input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {},
      );
    } catch (err) {
      if (err instanceof GatewayError && (err.details.code === 'amount_too_large' || err.details.code === 'charge_already_refunded')) {
        throw new AppError('invalid_request', 'The refund is more than what is left to refund on this payment.', 'amount');
      }
      throw mapError(err);
    }
  }

  async listRefunds(paymentIntentId: string): Promise<RefundView[]> {
    return call(() => this.deps.gateway.listRefunds(paymentIntentId));
  }
}

function mapError(err: unknown): unknown {
  if (!(err instanceof GatewayError)) return err;
  if (err.kind === 'not_found') return new AppError('not_found', 'That payment was not found.');
  if (err.retryable) return new AppError('stripe_unavailable', 'Stripe could not be reached. Please try again.');
  return new AppError('stripe_error', err.message);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapError(err);
  }
}
