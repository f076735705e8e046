/** Desk IPC: print, reprint, PDF and e-mail of the receipt of any payment in a customer's history (desk-receipts.ts). */
import type { DeskServices } from '../desk/services';
import type { Handlers } from './dispatcher';
import { staffIdOf } from './desk-staff';

type ReceiptHandlers = Pick<
  Handlers,
  'deskPrintReceipt' | 'deskReprintReceipt' | 'deskReceiptPdf' | 'deskEmailReceipt' | 'kioskPrintReceipt' | 'kioskEmailReceipt'
>;

export function deskReceiptHandlers(s: DeskServices): ReceiptHandlers {
  return {
    deskPrintReceipt: async (req, ctx) => s.receipts.print({ paymentId: req.paymentId }, false, staffIdOf(s, ctx), s.clock.now()),
    deskReprintReceipt: async (req, ctx) => s.receipts.print({ paymentId: req.paymentId }, true, staffIdOf(s, ctx), s.clock.now()),
    kioskPrintReceipt: async (req, ctx) => {
      s.kioskReceipts.checkOwner(req.attemptId, ctx.session);
      return s.receipts.print({ attemptId: req.attemptId }, false, null, s.clock.now());
    },
    kioskEmailReceipt: async (req, ctx) => {
      const { customerId } = s.kioskReceipts.checkOwner(req.attemptId, ctx.session);
      return s.receipts.emailKiosk(req.attemptId, customerId);
    },
    deskReceiptPdf: async (req, ctx) => ({ base64: await s.receipts.pdf(req.paymentId, staffIdOf(s, ctx)) }),
    deskEmailReceipt: async (req, ctx) => s.receipts.email(req.paymentId, staffIdOf(s, ctx)),
  };
}
