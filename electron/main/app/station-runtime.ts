/** The Electron side of "stays up by itself": the window watchdog's ports, the crash guard's relaunch, the display kept awake. */
import { app, powerSaveBlocker, type BrowserWindow } from 'electron';
import type { Clock } from '../services/clock';
import type { Logger } from '../services/logger';
import { outOfOrderDataUrl, type OutOfOrderInfo } from '../services/watchdog/out-of-order-page';
import { RendererWatchdog, realTimers, type WatchdogOptions } from '../services/watchdog/renderer-watchdog';

/** The flag a crash-looping main process restarts with: show the out-of-order page, start nothing. */
export const OUT_OF_ORDER_FLAG = '--out-of-order';

export function showOutOfOrder(win: BrowserWindow, info: OutOfOrderInfo): void {
  if (!win.isDestroyed()) void win.loadURL(outOfOrderDataUrl(info));
}

/** Reloads a dead or hung renderer with capped backoff; out of order after repeated failures. */
export function watchWindow(
  win: BrowserWindow,
  url: string,
  deps: { clock: Clock; log: Logger; info: () => OutOfOrderInfo },
  opts: Partial<WatchdogOptions> = {},
): RendererWatchdog {
  const dog = new RendererWatchdog(
    {
      reload: () => {
        if (!win.isDestroyed()) void win.loadURL(url);
      },
      kill: () => {
        if (!win.isDestroyed()) win.webContents.forcefullyCrashRenderer();
      },
      showOutOfOrder: () => showOutOfOrder(win, deps.info()),
    },
    { clock: deps.clock, log: deps.log, timers: realTimers },
    opts,
  );
  win.webContents.on('render-process-gone', (_event, details) => {
    if (!win.isDestroyed()) dog.rendererGone(details.reason, details.exitCode);
  });
  win.on('unresponsive', () => dog.unresponsive());
  win.on('responsive', () => dog.responsive());
  win.on('closed', () => dog.stop());
  return dog;
}

/** The display never sleeps while the kiosk is open. Returns the release. */
export function keepDisplayAwake(): () => void {
  const id = powerSaveBlocker.start('prevent-display-sleep');
  return () => {
    if (powerSaveBlocker.isStarted(id)) powerSaveBlocker.stop(id);
  };
}

/** Relaunch into the same mode (same arguments), or into the out-of-order page. */
export function relaunchApp(mode: { outOfOrder: boolean }): void {
  const args = process.argv.slice(1).filter((a) => a !== OUT_OF_ORDER_FLAG);
  app.relaunch({ args: mode.outOfOrder ? [...args, OUT_OF_ORDER_FLAG] : args });
}
