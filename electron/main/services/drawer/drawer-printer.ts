/**
 * Prints the drawer's close report on the station's receipt printer (ReceiptsService.printDocument:
 * the network thermal printer gets the kick pulse and the report as one ESC/POS job; the OS printer
 * the HTML page) and makes its PDF. Like the end-of-day report it is never queued: a printer that is
 * off says so and Print again (or the PDF) is the answer. Every attempt is audited.
 */
import type { DrawerView } from '../../../shared/contract-drawer';
import type { AuditInput } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { PrintResult } from '../receipts/print-result';
import type { PrintableDocument } from '../receipts/receipts-service';
import { drawerPdf, renderDrawerEscPos, renderDrawerHtml, type DrawerReportHead } from './drawer-report';

export interface DrawerPrinterDeps {
  print: (doc: PrintableDocument) => Promise<PrintResult>;
  audit: { record(e: AuditInput): void };
  clock: Clock;
  head: () => Omit<DrawerReportHead, 'printedAt'>;
}

export class DrawerPrinter {
  constructor(private readonly deps: DrawerPrinterDeps) {}

  async print(drawer: DrawerView, staffId: string): Promise<{ printed: boolean; message: string | null }> {
    const head = { ...this.deps.head(), printedAt: this.deps.clock.now() };
    const result = await this.deps.print({
      escpos: () => renderDrawerEscPos(drawer, head),
      html: () => renderDrawerHtml(drawer, head),
      name: 'drawer report',
    });
    this.deps.audit.record({
      action: result.ok ? 'drawer.report_printed' : 'drawer.report_print_failed',
      staffId,
      subjectId: drawer.id,
      ...(result.ok ? {} : { detail: { problem: result.code } }),
    });
    return result.ok ? { printed: true, message: null } : { printed: false, message: result.message.slice(0, 300) };
  }

  pdf(drawer: DrawerView): Promise<Buffer> {
    return drawerPdf(drawer, { ...this.deps.head(), printedAt: this.deps.clock.now() });
  }
}
