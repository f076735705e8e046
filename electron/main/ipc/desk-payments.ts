/** Desk IPC: readers, card-present payments, cash and check (for an invoice, or on account), refunds. */
import type { DeskServices } from '../desk/services';
import { AppError } from '../services/errors';
import { DEBIT_NOT_DONE } from '../services/refunds/refunds-service';
import type { Handlers } from './dispatcher';
import { staffIdOf } from './desk-staff';

type PaymentHandlers = Pick<
  Handlers,
  | 'deskReaders'
  | 'deskRegisterReader'
  | 'deskChooseReader'
  | 'deskTakeCardPayment'
  | 'deskCardPayment'
  | 'deskRetryCardPayment'
  | 'deskCancelCardPayment'
  | 'deskPresentTestCard'
  | 'deskRecordCash'
  | 'deskRecordCheck'
  | 'deskRecordOnAccount'
  | 'deskRefundable'
  | 'deskRefund'
>;

export function deskPaymentHandlers(s: DeskServices): PaymentHandlers {
  return {
    deskReaders: async () => ({ readers: await s.readers.list(), chosenReaderId: s.readers.chosen() }),
    deskRegisterReader: async (req, ctx) => {
      const reader = await s.readers.register(req.registrationCode, req.label);
      s.audit.record({ action: 'reader.registered', staffId: staffIdOf(s, ctx), subjectId: reader.id, detail: { label: reader.label } });
      return reader;
    },
    deskChooseReader: async (req, ctx) => {
      await s.readers.chooseChecked(req.readerId);
      s.audit.record({ action: 'reader.chosen', staffId: staffIdOf(s, ctx), subjectId: req.readerId });
      return { chosenReaderId: req.readerId };
    },
    deskTakeCardPayment: async (req, ctx) => s.card.take(req, staffIdOf(s, ctx), ctx.callerId),
    deskCardPayment: async (req) => s.card.view(req.paymentId),
    deskRetryCardPayment: async (req, ctx) => s.card.retry(req.paymentId, staffIdOf(s, ctx), ctx.callerId),
    deskCancelCardPayment: async (req, ctx) => {
      await s.card.cancel(req.readerId, staffIdOf(s, ctx));
      return { canceled: true };
    },
    deskPresentTestCard: async (req) => {
      await s.card.presentTestCard(req.readerId, req.card);
      return { presented: true };
    },
    deskRecordCash: async (req, ctx) => s.offline.record('cash', req, staffIdOf(s, ctx)),
    deskRecordCheck: async (req, ctx) => s.offline.record('check', req, staffIdOf(s, ctx)),
    deskRecordOnAccount: async (req, ctx) =>
      s.offline.recordOnAccount(
        req.method,
        { customerId: req.customerId, amount: req.amount, ...(req.method === 'check' ? { checkNumber: req.checkNumber } : {}) },
        staffIdOf(s, ctx),
      ),
    deskRefundable: async (req) => s.refunds.refundable(req.paymentIntentId),
    deskRefund: async (req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      let answer: Awaited<ReturnType<typeof s.refunds.refund>>;
      try {
        answer = await s.refunds.refund({
          requestId: req.requestId,
          paymentIntentId: req.paymentIntentId,
          ...(req.amount !== undefined ? { amount: req.amount } : {}),
          reason: req.reason,
          staffId,
          stationId: s.stationId(),
        });
      } catch (err) {
        if (err instanceof AppError) {
          s.audit.record({
            action: 'refund.refused',
            staffId,
            subjectId: req.paymentIntentId,
            amount: req.amount ?? null,
            detail: { reason: err.message, requestId: req.requestId },
          });
        }
        throw err;
      }
      const { refund, replayed, debitPending } = answer;
      if (!replayed) {
        s.audit.record({
          action: 'refund.created',
          staffId,
          subjectId: refund.id,
          amount: refund.amount,
          currency: refund.currency,
          detail: { paymentIntentId: req.paymentIntentId, reason: req.reason, requestId: req.requestId },
        });
      }
      // A payment on account whose credit is not taken back yet: the refund stands; Refund again finishes it.
      if (debitPending) throw new AppError('stripe_unavailable', DEBIT_NOT_DONE);
      return { refundId: refund.id, amount: refund.amount, currency: refund.currency, status: refund.status };
    },
  };
}
