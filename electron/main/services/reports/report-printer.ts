/**
 * Prints the end-of-day report on this station's receipt printer, through the same ports receipts
 * use (ReceiptsService.printDocument: the network thermal printer, the OS printer, or none). Unlike a
 * receipt the report is never queued: a report printed hours later would be stale, so a printer that
 * is off, out of paper or silent is a clear answer and the manager presses Print again (or downloads
 * the PDF). Every attempt is in the audit log.
 */
import type { DeskReport, ReportPrintAnswer, ReportPrintProblem } from '../../../shared/contract-desk';
import type { AuditLog } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { PrintResult } from '../receipts/print-result';
import type { PrintableDocument } from '../receipts/receipts-service';
import { renderReportEscPos, renderReportHtml, type ReportPrintHead } from './report-layout';

export interface ReportPrinterDeps {
  build: (date: string | undefined, scope: 'station' | 'office') => Promise<DeskReport>;
  /** ReceiptsService.printDocument. */
  print: (doc: PrintableDocument) => Promise<PrintResult>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
  trainingMode: boolean;
  businessName: () => string;
  /** The BCP 47 locale for money and dates on the printout (English wording, the station's formats). */
  intlLocale: () => string;
}

export const REPORT_NO_PRINTER = 'No receipt printer is set up at this station. Download the report as a PDF instead.';
const AGAIN = 'The report was not queued: press Print again when the printer is ready, or download the PDF.';

export class ReportPrinter {
  constructor(private readonly deps: ReportPrinterDeps) {}

  async print(date: string | undefined, scope: 'station' | 'office', staffId: string): Promise<ReportPrintAnswer> {
    const { deps } = this;
    const report = await deps.build(date, scope);
    const head: ReportPrintHead = {
      businessName: deps.businessName(),
      intlLocale: deps.intlLocale(),
      printedAt: deps.clock.now(),
      training: deps.trainingMode,
    };
    const result = await deps.print({
      escpos: () => renderReportEscPos(report, head),
      html: () => renderReportHtml(report, head),
      name: 'report',
    });
    const audit = { staffId, subjectId: report.date, amount: report.total.amount, currency: report.currency };
    if (result.ok) {
      deps.audit.record({ action: 'report.printed', ...audit, detail: { scope } });
      return { printed: true, problem: null, message: null };
    }
    const problem: ReportPrintProblem = result.code === 'email_failed' ? 'print_failed' : result.code;
    deps.audit.record({ action: 'report.print_failed', ...audit, detail: { scope, problem } });
    const message =
      problem === 'no_printer'
        ? REPORT_NO_PRINTER
        : `${result.message.replace(/\breceipt could not\b/, 'report could not').replace(/\.$/, '')}. ${AGAIN}`;
    return { printed: false, problem, message: message.length <= 300 ? message : `${message.slice(0, 299)}\u2026` };
  }
}
