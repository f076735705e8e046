/** Composition root for Electron: build the services, lock the app down, open the window, wire IPC. */
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElectronStore } from './app/electron-settings';
import { osPrinterPort } from './app/os-printer';
import { APP_ORIGIN, lockDownWebContents, registerAppScheme, serveRenderer } from './app/security';
import { createMainWindow } from './app/window';
import { startKiosk, type Kiosk } from './composition';
import { useSqliteBinding } from './db/connection';
import { registerIpc } from './ipc/register-electron';
import { consoleLogger } from './services/logger';
import { SettingsService } from './services/settings/settings-service';

const here = fileURLToPath(new URL('.', import.meta.url));
const appRoot = join(here, '..', '..');
const log = consoleLogger('main');

if (!app.requestSingleInstanceLock()) app.quit();
registerAppScheme();

let kiosk: Kiosk | null = null;

async function main(): Promise<void> {
  await app.whenReady();
  // Development: the Electron-ABI copy of better-sqlite3 built by `npm start` (scripts/electron-native.mjs).
  const devBinding = join(appRoot, '.native', `electron-${process.versions.electron}`, 'better_sqlite3.node');
  if (!app.isPackaged && existsSync(devBinding)) useSqliteBinding(devBinding);

  lockDownWebContents();
  serveRenderer(join(appRoot, 'out', 'renderer'));
  const settings = new SettingsService(createElectronStore(), process.env);
  kiosk = await startKiosk({
    dataDir: app.getPath('userData'),
    resourcesDir: app.isPackaged ? join(process.resourcesPath, 'resources') : join(appRoot, 'resources'),
    settings,
    log,
    version: app.getVersion(),
    ports: { osPrint: osPrinterPort },
  });
  const current = kiosk;
  registerIpc(ipcMain, current);
  const win = createMainWindow({
    preloadPath: join(here, '..', 'preload', 'index.cjs'),
    url: `${APP_ORIGIN}/index.html`,
    kiosk: settings.get().kiosk,
  });
  const callerId = `window:${win.webContents.id}`;
  // A reload starts over: the window's session ends and what it left unpaid is closed.
  win.webContents.on('did-finish-load', () => current.endSession(callerId));
  const disconnect = current.events.connect(callerId, (channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(channel, payload);
  });
  win.on('closed', disconnect);
}

app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows();
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});
app.on('window-all-closed', () => app.quit());
app.on('will-quit', () => {
  void kiosk?.stop();
});

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  log.error('the kiosk could not start', { error: message });
  // On screen, so a station that cannot start (e.g. a malformed Stripe key) says why instead of vanishing.
  dialog.showErrorBox('The kiosk cannot start', message);
  app.exit(1);
});
