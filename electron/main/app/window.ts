import { BrowserWindow, type WebPreferences } from 'electron';

/** The exact webPreferences of the kiosk window. A unit test pins these. */
export function secureWebPreferences(preloadPath: string, kiosk: boolean): WebPreferences {
  return {
    preload: preloadPath,
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
    devTools: !kiosk,
  };
}

export interface WindowOptions {
  preloadPath: string;
  url: string;
  kiosk: boolean;
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    backgroundColor: '#f6f7f9',
    autoHideMenuBar: true,
    kiosk: opts.kiosk,
    fullscreen: opts.kiosk,
    title: 'Payment Kiosk',
    webPreferences: secureWebPreferences(opts.preloadPath, opts.kiosk),
  });
  if (opts.kiosk) win.removeMenu();
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.url);
  return win;
}
