/**
 * Prints, reprints and exports receipts. Every outside thing comes in as a port: the network thermal
 * printer (ESC/POS bytes), the operating-system printer (HTML), e-mail (PDF), the clock and the
 * settings. A failed print is returned, never thrown: the caller queues the job for later, and nothing
 * about the payment depends on printing.
 */
import type { Clock } from '../clock';
import { receiptEmailText } from './email-text';
import { renderEscPos, renderSvg } from './escpos';
import { renderHtml } from './html';
import { renderPdf } from './pdf';
import { printFailure, type PrintResult } from './print-result';
import { asReprint, buildReceipt, type Receipt, type ReceiptInput } from './receipt-model';

export type PrinterSetting = { kind: 'network'; host: string; port: number } | { kind: 'os'; deviceName?: string } | { kind: 'none' };

export interface ReceiptSettings {
  printer: PrinterSetting;
  /** The station's BCP 47 locale for dates and money, e.g. "en-US". */
  locale: string;
  /** The station's IANA time zone, e.g. "America/Chicago". */
  timeZone: string;
}

/** One receipt e-mail: the body is plain text, the receipt is the PDF attachment. */
export interface ReceiptEmail {
  to: string;
  subject: string;
  text: string;
  pdf: Buffer;
  /** The attachment's file name, e.g. "receipt-pi_123.pdf". */
  filename: string;
}

/** A document in both printer forms, rendered only for the printer that is set up. */
export interface PrintableDocument {
  escpos: () => Uint8Array;
  html: () => string;
  /** What it is, for the fallback failure message ("receipt" when left out). */
  name?: string;
}

export interface ReceiptsPorts {
  /** Sends ESC/POS bytes to the network printer at `target` (see `networkPrinterPort`). */
  escpos: (bytes: Uint8Array, target: { host: string; port: number }) => Promise<PrintResult>;
  /** Prints an HTML document on an OS printer (electron/main/app/os-printer.ts). */
  os?: (html: string, deviceName?: string) => Promise<PrintResult>;
  /** Sends the receipt PDF by e-mail (services/receipts/smtp-mailer.ts). Answers failures, never throws. */
  email?: (message: ReceiptEmail) => Promise<PrintResult>;
  clock: Clock;
  settings: () => ReceiptSettings;
}

/** What `build` needs on top of the payment data: the station comes from the settings when left out. */
export type ReceiptBuildInput = Omit<ReceiptInput, 'station'> & {
  station: { id: string; intlLocale?: string; timeZone?: string };
};

export class ReceiptsService {
  constructor(private readonly ports: ReceiptsPorts) {}

  /** Validates and formats a receipt, with the station's locale and time zone from the settings. */
  build(input: ReceiptBuildInput): Receipt {
    const s = this.ports.settings();
    return buildReceipt({
      ...input,
      station: { intlLocale: s.locale, timeZone: s.timeZone, ...input.station },
    });
  }

  /** Prints on the configured printer. Resolves the printer's answer; never rejects for printer problems. */
  print(receipt: Receipt): Promise<PrintResult> {
    return this.printDocument({ escpos: () => renderEscPos(receipt), html: () => renderHtml(receipt) });
  }

  /**
   * Prints any document laid out for the receipt printer (a receipt; the end-of-day report) on the
   * configured printer, through the same ports: ESC/POS bytes for the network printer, HTML for the OS one.
   */
  async printDocument(doc: PrintableDocument): Promise<PrintResult> {
    const { printer } = this.ports.settings();
    const what = doc.name ?? 'receipt';
    try {
      switch (printer.kind) {
        case 'network':
          return await this.ports.escpos(doc.escpos(), { host: printer.host, port: printer.port });
        case 'os':
          if (!this.ports.os) return printFailure('no_printer');
          return await this.ports.os(doc.html(), printer.deviceName);
        case 'none':
          return printFailure('no_printer');
      }
    } catch (err) {
      // A port that breaks its promise not to throw: still a failed print, not a failed payment.
      const reason = err instanceof Error && err.message ? `: ${err.message}` : '';
      return printFailure('print_failed', what === 'receipt' && !reason ? undefined : `The ${what} could not be printed${reason}`);
    }
  }

  /** Prints again with the "Reprint" mark and the time of the reprint. */
  reprint(receipt: Receipt): Promise<PrintResult> {
    return this.print(asReprint(receipt, this.ports.clock.now()));
  }

  pdf(receipt: Receipt): Promise<Buffer> {
    return renderPdf(receipt);
  }

  /** The on-screen preview (self-contained SVG). */
  preview(receipt: Receipt): string {
    return renderSvg(receipt);
  }

  /** E-mails the receipt as a PDF. */
  async email(receipt: Receipt, to: string): Promise<PrintResult> {
    if (!this.ports.email) return printFailure('email_failed', 'Receipts cannot be e-mailed from this station');
    try {
      return await this.ports.email({ to, ...receiptEmailText(receipt), pdf: await renderPdf(receipt) });
    } catch {
      return printFailure('email_failed');
    }
  }
}
