/** Desk IPC: the end-of-day report, as data, PDF and CSV, and printed on the station's receipt printer. */
import type { DeskServices } from '../desk/services';
import { reportCsv, reportPdf } from '../services/reports/report-export';
import type { Handlers } from './dispatcher';
import { staffIdOf } from './desk-staff';

const MAX_PDF_BYTES = 2_900_000;

export function deskReportHandlers(s: DeskServices): Pick<Handlers, 'deskReport' | 'deskReportPdf' | 'deskReportCsv' | 'deskPrintReport'> {
  const build = async (date: string | undefined, scope: 'station' | 'office', staffId: string, format: string) => {
    const report = await s.reports.build(date, scope);
    s.audit.record({ action: 'report.viewed', staffId, subjectId: report.date, detail: { scope, format } });
    return report;
  };
  return {
    deskReport: async (req, ctx) => build(req.date, req.scope, staffIdOf(s, ctx), 'screen'),
    deskReportPdf: async (req, ctx) => {
      const pdf = await reportPdf(await build(req.date, req.scope, staffIdOf(s, ctx), 'pdf'), s.businessName());
      if (pdf.length > MAX_PDF_BYTES) throw new Error('report PDF too large');
      return { base64: pdf.toString('base64') };
    },
    deskReportCsv: async (req, ctx) => ({ csv: reportCsv(await build(req.date, req.scope, staffIdOf(s, ctx), 'csv')) }),
    deskPrintReport: async (req, ctx) => s.reportPrinter.print(req.date, req.scope, staffIdOf(s, ctx)),
  };
}
