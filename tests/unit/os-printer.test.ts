import { beforeEach, describe, expect, it, vi } from 'vitest';

// The Electron runtime cannot run here: 'electron' is stubbed (a fake, named as such) and the test
// checks how os-printer.ts uses it.
type PrintCallback = (success: boolean, failureReason: string) => void;
interface FakeWindow {
  options: Record<string, unknown>;
  loaded: string[];
  printOptions: Record<string, unknown>[];
  closed: boolean;
}
const windows: FakeWindow[] = [];
const behaviour: { load: () => Promise<void>; print: (cb: PrintCallback) => void } = {
  load: () => Promise.resolve(),
  print: (cb) => cb(true, ''),
};

vi.mock('electron', () => ({
  BrowserWindow: class {
    private readonly record: FakeWindow;
    readonly webContents: { print: (options: Record<string, unknown>, cb: PrintCallback) => void };
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: [], printOptions: [], closed: false };
      windows.push(this.record);
      this.webContents = {
        print: (opts, cb) => {
          this.record.printOptions.push(opts);
          setTimeout(() => behaviour.print(cb), 1);
        },
      };
    }
    loadURL(url: string) {
      this.record.loaded.push(url);
      return behaviour.load();
    }
    isDestroyed() {
      return this.record.closed;
    }
    close() {
      this.record.closed = true;
    }
  },
}));

const { printHtml, osPrinterPort, PRINT_WINDOW_OPTIONS } = await import('../../electron/main/app/os-printer');

const HTML = '<!DOCTYPE html><html><body><p>Total $125.50 &amp; more #1</p></body></html>';

beforeEach(() => {
  windows.length = 0;
  behaviour.load = () => Promise.resolve();
  behaviour.print = (cb) => cb(true, '');
});

describe('OS printer (Electron, stubbed)', () => {
  it('prints silently from a hidden, locked-down window and closes it', async () => {
    const result = await printHtml(HTML, { deviceName: 'EPSON TM-T88VI' });
    expect(result).toEqual({ ok: true, message: 'Printed' });
    expect(windows).toHaveLength(1);
    const win = windows[0]!;
    expect(win.options['show']).toBe(false);
    expect(win.options['webPreferences']).toStrictEqual({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      webSecurity: true,
      images: true,
      spellcheck: false,
      devTools: false,
    });
    expect(win.options).toStrictEqual(PRINT_WINDOW_OPTIONS);
    expect(win.options['webPreferences']).not.toHaveProperty('preload');
    expect(win.loaded).toHaveLength(1);
    const url = win.loaded[0]!;
    expect(url.startsWith('data:text/html;charset=utf-8,')).toBe(true);
    expect(decodeURIComponent(url.slice('data:text/html;charset=utf-8,'.length))).toBe(HTML);
    expect(url).not.toContain('#'); // encoded, so a '#' in the receipt cannot cut the document short
    expect(win.printOptions).toEqual([{ silent: true, printBackground: false, deviceName: 'EPSON TM-T88VI' }]);
    expect(win.closed).toBe(true);
  });

  it('uses the system default printer when no device is named', async () => {
    expect(await osPrinterPort(HTML)).toEqual({ ok: true, message: 'Printed' });
    expect(windows[0]!.printOptions).toEqual([{ silent: true, printBackground: false }]);
  });

  it('reports a failed print with the reason and still closes the window', async () => {
    behaviour.print = (cb) => cb(false, 'Invalid deviceName provided');
    const result = await osPrinterPort(HTML, 'Nowhere');
    expect(result).toEqual({ ok: false, code: 'print_failed', message: 'The receipt could not be printed (Invalid deviceName provided)' });
    expect(windows[0]!.closed).toBe(true);
  });

  it('reports a page that fails to load, never prints it, and closes the window', async () => {
    behaviour.load = () => Promise.reject(new Error('ERR_ABORTED'));
    const result = await printHtml(HTML);
    expect(result).toMatchObject({ ok: false, code: 'print_failed' });
    expect(result.ok ? '' : result.message).toContain('ERR_ABORTED');
    expect(windows[0]!.printOptions).toEqual([]);
    expect(windows[0]!.closed).toBe(true);
  });
});
