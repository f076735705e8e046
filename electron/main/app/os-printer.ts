/**
 * Prints a receipt's HTML on an operating-system printer, silently, through a hidden, locked-down
 * window (no preload, no Node, no JavaScript). The window is closed whatever happens.
 */
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import type { PrintResult } from '../services/receipts/print-result';

export const PRINT_WINDOW_OPTIONS: BrowserWindowConstructorOptions = {
  show: false,
  width: 302, // 80 mm at 96 dpi
  height: 800,
  webPreferences: {
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    javascript: false,
    webSecurity: true,
    images: true,
    spellcheck: false,
    devTools: false,
  },
};

export interface OsPrintOptions {
  /** The OS printer name; the system default when left out. */
  deviceName?: string;
}

export async function printHtml(html: string, options: OsPrintOptions = {}): Promise<PrintResult> {
  const win = new BrowserWindow(PRINT_WINDOW_OPTIONS);
  try {
    await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await new Promise<PrintResult>((resolve) => {
      win.webContents.print(
        { silent: true, printBackground: false, ...(options.deviceName ? { deviceName: options.deviceName } : {}) },
        (success, failureReason) =>
          resolve(
            success
              ? { ok: true, message: 'Printed' }
              : { ok: false, code: 'print_failed', message: `The receipt could not be printed (${failureReason || 'unknown reason'})` },
          ),
      );
    });
  } catch (err) {
    return {
      ok: false,
      code: 'print_failed',
      message: `The receipt could not be printed (${err instanceof Error ? err.message : String(err)})`,
    };
  } finally {
    if (!win.isDestroyed()) win.close();
  }
}

/** The ReceiptsService `os` port. */
export const osPrinterPort = (html: string, deviceName?: string): Promise<PrintResult> => printHtml(html, deviceName ? { deviceName } : {});
