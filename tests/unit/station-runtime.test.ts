import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../electron/main/services/logger';
import { until } from '../helpers/until';

// The Electron runtime cannot run here: a recording stand-in for the parts station-runtime uses.
const recorded = { blockers: [] as string[], stopped: [] as number[], relaunches: [] as unknown[] };
vi.mock('electron', () => ({
  app: { relaunch: (opts: unknown) => recorded.relaunches.push(opts) },
  powerSaveBlocker: {
    start: (type: string) => recorded.blockers.push(type),
    isStarted: (id: number) => !recorded.stopped.includes(id),
    stop: (id: number) => recorded.stopped.push(id),
  },
}));

const { keepDisplayAwake, OUT_OF_ORDER_FLAG, relaunchApp, watchWindow } = await import('../../electron/main/app/station-runtime');

class FakeWindow extends EventEmitter {
  loaded: string[] = [];
  crashedByUs = 0;
  webContents = Object.assign(new EventEmitter(), { forcefullyCrashRenderer: () => this.crashedByUs++ });
  isDestroyed = () => false;
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
}

describe('station runtime (Electron edge)', () => {
  it('reloads the app page when the renderer process is gone, and shows the out-of-order page when it keeps dying', async () => {
    const win = new FakeWindow();
    const dog = watchWindow(
      win as never,
      'app://kiosk/index.html',
      { clock: { now: () => Date.now() }, log: silentLogger, info: () => ({ stationId: 'lobby-1', since: 'now' }) },
      { baseDelayMs: 1, maxDelayMs: 1, maxFailures: 3, outOfOrderRetryMs: null },
    );
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    await until(async () => win.loaded.length === 1);
    expect(win.loaded).toEqual(['app://kiosk/index.html']);
    win.webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 0 });
    await until(async () => win.loaded.length === 2);
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(win.loaded).toHaveLength(3);
    expect(decodeURIComponent(win.loaded[2] ?? '')).toContain('Please see the front desk');
    expect(decodeURIComponent(win.loaded[2] ?? '')).toContain('lobby-1');
    expect(dog.status().state).toBe('out-of-order');
    win.emit('closed');
  });

  it('passes unresponsive and responsive on to the watchdog', () => {
    const win = new FakeWindow();
    const dog = watchWindow(
      win as never,
      'app://kiosk/index.html',
      { clock: { now: () => Date.now() }, log: silentLogger, info: () => ({ stationId: 's', since: 'now' }) },
      { hangGraceMs: 60_000 },
    );
    const spy = vi.spyOn(dog, 'responsive');
    win.emit('unresponsive');
    win.emit('responsive');
    expect(spy).toHaveBeenCalledOnce();
    win.emit('closed');
    expect(win.crashedByUs).toBe(0);
  });

  it('keeps the display awake until released', () => {
    const release = keepDisplayAwake();
    expect(recorded.blockers).toEqual(['prevent-display-sleep']);
    release();
    release();
    expect(recorded.stopped).toEqual([1]);
  });

  it('relaunches with the same arguments, adding or dropping the out-of-order flag', () => {
    const argv = process.argv;
    process.argv = ['/opt/kiosk/kiosk', '--station=lobby', OUT_OF_ORDER_FLAG];
    try {
      relaunchApp({ outOfOrder: false });
      relaunchApp({ outOfOrder: true });
    } finally {
      process.argv = argv;
    }
    expect(recorded.relaunches).toEqual([{ args: ['--station=lobby'] }, { args: ['--station=lobby', OUT_OF_ORDER_FLAG] }]);
  });
});
