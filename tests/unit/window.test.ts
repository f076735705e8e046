import { describe, expect, it, vi } from 'vitest';

// The Electron runtime cannot run here: stub the module at its one edge and test our use of it.
const created: { options: Record<string, unknown>; loaded: string[]; menuRemoved: boolean }[] = [];
vi.mock('electron', () => ({
  BrowserWindow: class {
    private readonly record: (typeof created)[number];
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: [], menuRemoved: false };
      created.push(this.record);
    }
    loadURL(url: string) {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    once() {}
    removeMenu() {
      this.record.menuRemoved = true;
    }
  },
}));

const { createMainWindow, secureWebPreferences } = await import('../../electron/main/app/window');

describe('main window', () => {
  it('pins the exact webPreferences of the kiosk window', () => {
    expect(secureWebPreferences('/app/out/preload/index.cjs', true)).toStrictEqual({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: false,
    });
  });

  it('opens fullscreen kiosk without devtools when the kiosk setting is on', () => {
    createMainWindow({ preloadPath: '/p.cjs', url: 'app://kiosk/index.html', kiosk: true });
    const win = created.at(-1)!;
    expect(win.options).toMatchObject({ kiosk: true, fullscreen: true });
    expect((win.options['webPreferences'] as Record<string, unknown>)['devTools']).toBe(false);
    expect(win.menuRemoved).toBe(true);
    expect(win.loaded).toEqual(['app://kiosk/index.html']);
  });

  it('keeps devtools available and a normal window when the kiosk setting is off', () => {
    createMainWindow({ preloadPath: '/p.cjs', url: 'app://kiosk/index.html', kiosk: false });
    const win = created.at(-1)!;
    expect(win.options).toMatchObject({ kiosk: false, fullscreen: false });
    expect((win.options['webPreferences'] as Record<string, unknown>)['sandbox']).toBe(true);
  });
});
