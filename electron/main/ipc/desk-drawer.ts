/** Desk IPC: the station's cash drawer (open, cash through the drawer, paid-in/out, No sale, close, the close report). */
import type { DeskServices } from '../desk/services';
import type { PrintResult } from '../services/receipts/print-result';
import type { Handlers } from './dispatcher';
import { staffIdOf } from './desk-staff';

type DrawerHandlers = Pick<
  Handlers,
  | 'deskDrawer'
  | 'deskOpenDrawer'
  | 'deskDrawerCash'
  | 'deskDrawerPaidIn'
  | 'deskDrawerPaidOut'
  | 'deskDrawerNoSale'
  | 'deskCloseDrawer'
  | 'deskDrawerReport'
  | 'deskPrintDrawerReport'
  | 'deskDrawerReportPdf'
>;

const kickAnswer = (r: PrintResult) => ({ kicked: r.ok, message: r.ok ? null : r.message.slice(0, 300) });

export function deskDrawerHandlers(s: DeskServices): DrawerHandlers {
  const { drawer, drawerReports } = s;
  return {
    deskDrawer: async () => ({ drawer: drawer.current(), varianceLimit: s.drawerVarianceLimit() }),
    deskOpenDrawer: async (req, ctx) => drawer.open(req.float, staffIdOf(s, ctx)),
    deskDrawerCash: async (req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      // Refused before anything is written: no open drawer, a bad amount, less handed over than paid.
      const { drawer: open, change } = drawer.checkSale(req.amount, req.tendered);
      const paid =
        'invoiceId' in req
          ? await s.offline.record('cash', { invoiceId: req.invoiceId, amount: req.amount }, staffId)
          : await s.offline.recordOnAccount('cash', { customerId: req.customerId, amount: req.amount }, staffId);
      const kick = await drawer.recordSale({
        drawerId: open.id,
        paymentId: paid.paymentId,
        amount: paid.amount,
        tendered: req.tendered,
        staffId,
      });
      return { ...paid, tendered: req.tendered, change, kick: kickAnswer(kick) };
    },
    deskDrawerPaidIn: async (req, ctx) => drawer.paidIn(req.amount, req.reason, staffIdOf(s, ctx)),
    deskDrawerPaidOut: async (req, ctx) => drawer.paidOut(req.amount, req.reason, staffIdOf(s, ctx)),
    deskDrawerNoSale: async (req, ctx) => {
      const r = await drawer.noSale(req.reason, staffIdOf(s, ctx));
      return { drawer: r.drawer, kick: kickAnswer(r.kick) };
    },
    deskCloseDrawer: async (req, ctx) => {
      const staffId = staffIdOf(s, ctx);
      const closed = await drawer.close({
        drawerId: req.drawerId,
        counts: req.counts,
        checks: req.checks,
        approval: req.approval,
        staffId,
      });
      return { drawer: closed, print: await drawerReports.print(closed, staffId) };
    },
    deskDrawerReport: async (req) => drawer.get(req.drawerId),
    deskPrintDrawerReport: async (req, ctx) => drawerReports.print(drawer.get(req.drawerId), staffIdOf(s, ctx)),
    deskDrawerReportPdf: async (req, ctx) => {
      const d = drawer.get(req.drawerId);
      const pdf = await drawerReports.pdf(d);
      s.audit.record({ action: 'drawer.report_pdf', staffId: staffIdOf(s, ctx), subjectId: d.id });
      return { base64: pdf.toString('base64') };
    },
  };
}
