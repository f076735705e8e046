/** Composition root for Electron: build the services, lock the app down, open the window, wire IPC. */
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { AppError } from './services/errors';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElectronStore } from './app/electron-settings';
import { osPrinterPort } from './app/os-printer';
import { APP_ORIGIN, lockDownWebContents, registerAppScheme, serveRenderer } from './app/security';
import { keepDisplayAwake, OUT_OF_ORDER_FLAG, relaunchApp, showOutOfOrder, watchWindow } from './app/station-runtime';
import { createMainWindow } from './app/window';
import { startKiosk, type Kiosk } from './composition';
import { startFleetServices, type FleetServices } from './fleet';
import { registerIpc } from './ipc/register-electron';
import { systemClock } from './services/clock';
import { fileLogger } from './services/file-logger';
import { SettingsService } from './services/settings/settings-service';
import { fileCrashLog, MainCrashGuard } from './services/watchdog/crash-guard';

const here = fileURLToPath(new URL('.', import.meta.url));
const appRoot = join(here, '..', '..');
// Rotating log in <userData>/logs/main.log (main.old.log before it), redacted line by line.
const log = fileLogger({ dir: join(app.getPath('userData'), 'logs'), prefix: 'main' });

let kiosk: Kiosk | null = null;
let fleet: FleetServices | null = null;
let releaseDisplay: (() => void) | null = null;

async function main(crashGuard: MainCrashGuard): Promise<void> {
  await app.whenReady();
  lockDownWebContents();
  serveRenderer(join(appRoot, 'out', 'renderer'));
  const settings = new SettingsService(createElectronStore(), process.env);
  const { kiosk: kioskMode, stationId } = settings.get();
  if (kioskMode) releaseDisplay = keepDisplayAwake();
  const preloadPath = join(here, '..', 'preload', 'index.cjs');
  const url = `${APP_ORIGIN}/index.html`;
  const outOfOrderInfo = () => ({ stationId, since: new Date().toISOString() });

  if (process.argv.includes(OUT_OF_ORDER_FLAG)) {
    // A crash loop brought us here: show the page, start nothing, try again later.
    const win = createMainWindow({ preloadPath, url: 'about:blank', kiosk: kioskMode });
    showOutOfOrder(win, outOfOrderInfo());
    setTimeout(() => {
      relaunchApp({ outOfOrder: false });
      app.exit(0);
    }, 30 * 60_000).unref();
    return;
  }

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
  const win = createMainWindow({ preloadPath, url, kiosk: kioskMode });
  const watchdog = watchWindow(win, url, { clock: systemClock, log, info: outOfOrderInfo });
  fleet = startFleetServices(current, {
    dataDir: app.getPath('userData'),
    settings,
    version: app.getVersion(),
    log,
    clock: systemClock,
    window: () => watchdog.status().state,
  });
  // Up for ten minutes: earlier crashes no longer count towards a crash loop.
  setTimeout(() => crashGuard.clear(), 10 * 60_000).unref();
  const callerId = `window:${win.webContents.id}`;
  // A reload starts over: the window's session ends and what it left unpaid is closed.
  win.webContents.on('did-finish-load', () => current.endSession(callerId));
  const disconnect = current.events.connect(callerId, (channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(channel, payload);
  });
  win.on('closed', disconnect);
}

// One instance per machine: a second start focuses the first one's window and exits.
if (!app.requestSingleInstanceLock()) {
  app.exit(0);
} else {
  registerAppScheme();
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  // Stop in order before quitting: the queue finishes its pass and the database closes.
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped || !kiosk) return;
    event.preventDefault();
    releaseDisplay?.();
    const current = kiosk;
    void (fleet?.stop() ?? Promise.resolve())
      .then(() => current.stop())
      .catch((err: unknown) => log.error('stopping the kiosk failed', { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });

  // An uncaught error is logged and the app restarts itself; a crash loop restarts into the out-of-order page.
  const crashGuard = new MainCrashGuard({
    log,
    clock: systemClock,
    crashLog: fileCrashLog(join(app.getPath('userData'), 'crashes.json')),
    relaunch: relaunchApp,
    exit: (code) => app.exit(code),
  });
  crashGuard.install(process);
  main(crashGuard).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    log.error('the kiosk could not start', { error: message });
    // A configuration the station refuses (e.g. a malformed Stripe key) is said on screen and not retried:
    // restarting cannot mend it.
    if (err instanceof AppError && err.reason === 'stripe_key_invalid') {
      dialog.showErrorBox('The kiosk cannot start', message);
      app.exit(1);
      return;
    }
    // Failing to start counts like a crash; failing to show even the out-of-order page leaves it to the OS (systemd, Shell Launcher).
    if (process.argv.includes(OUT_OF_ORDER_FLAG)) app.exit(1);
    else crashGuard.handle('uncaughtException', err);
  });
}
