/**
 * Settles what a lost answer or a crash left unfinished: every payment step that was sent but whose
 * result was never recorded is finished from Stripe's state (KioskCharges.resume). Runs at start,
 * before every new try of a payment, and in the background within seconds of a lost answer, so the
 * customer learns the true outcome without pressing anything.
 */
import type { PaymentOutcome } from '../../../shared/contract';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { KioskCharges } from './kiosk-charge';
import type { Payment, PaymentLedger } from './ledger';
import type { PartResult } from './outcomes';

export interface ReconcilerDeps {
  ledger: PaymentLedger;
  charges: Pick<KioskCharges, 'resume'>;
  clock: Clock;
  log: Logger;
  /** A payment with a pay in flight in this process is left to it. */
  isBusy: (paymentId: string) => boolean;
  settle: (payment: Payment, parts: PartResult[]) => PaymentOutcome;
  onSettled?: (paymentId: string, outcome: PaymentOutcome) => void;
  /** Background retry delays after a lost answer (ms). */
  delays?: readonly number[];
}

const DELAYS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000];

export class Reconciler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly deps: ReconcilerDeps) {}

  /** Every payment with unfinished steps (at start). */
  async all(): Promise<number> {
    const ids = [...new Set(this.deps.ledger.unfinishedSteps().map((s) => s.paymentId))];
    for (const id of ids) {
      if (this.deps.isBusy(id)) continue;
      try {
        await this.payment(id);
      } catch (err) {
        this.deps.log.warn('a payment could not be reconciled yet; will try again', { payment: id, error: String(err) });
        this.soon(id);
      }
    }
    return ids.length;
  }

  /**
   * Finishes this payment's unfinished steps from Stripe. Returns true when there were any. Throws
   * `payment_outcome_unknown` while Stripe still cannot be reached.
   */
  async payment(id: string): Promise<boolean> {
    const { ledger } = this.deps;
    const steps = ledger.unfinishedSteps(id);
    if (steps.length === 0) return false;
    const results: PartResult[] = [];
    for (const step of steps) {
      const payment = ledger.get(id)!;
      const r = await this.deps.charges.resume(payment, step);
      if (r) results.push(r);
    }
    const payment = ledger.get(id)!;
    if (results.length > 0) this.deps.settle(payment, results);
    else if (payment.status === 'unknown' || payment.status === 'sending')
      ledger.update(id, { status: payment.outcome ? 'failed' : 'open' });
    return true;
  }

  /** After a lost answer: tries again in the background until Stripe answers, then tells the window. */
  soon(id: string, attempt = 0): void {
    if (this.stopped || this.timers.has(id)) return;
    const delays = this.deps.delays ?? DELAYS;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        if (this.stopped) return;
        if (this.deps.isBusy(id)) return this.soon(id, attempt);
        this.payment(id)
          .then(() => {
            const p = this.deps.ledger.get(id);
            if (p?.outcome && p.status !== 'unknown') this.deps.onSettled?.(id, p.outcome);
          })
          .catch((err: unknown) => {
            if (!(err instanceof AppError && err.reason === 'payment_outcome_unknown')) {
              this.deps.log.warn('background reconcile failed', { payment: id, error: String(err) });
            }
            this.soon(id, attempt + 1);
          });
      },
      delays[Math.min(attempt, delays.length - 1)],
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
