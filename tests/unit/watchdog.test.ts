import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/main/services/logger';
import { fileCrashLog, MainCrashGuard } from '../../electron/main/services/watchdog/crash-guard';
import { outOfOrderDataUrl, outOfOrderHtml } from '../../electron/main/services/watchdog/out-of-order-page';
import { RendererWatchdog, type Timers, type WatchdogOptions } from '../../electron/main/services/watchdog/renderer-watchdog';
import { tempDir } from '../helpers/temp-dir';

/** A clock and timers the test moves by hand (the Electron window and its clock cannot run here). */
function manualTime() {
  let now = 1_000_000;
  let timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  const clock = { now: () => now };
  const t: Timers = {
    after(ms, fn) {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const next = timers.filter((x) => !x.cancelled && x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      now = next.at;
      next.cancelled = true;
      next.fn();
    }
    now = until;
    timers = timers.filter((x) => !x.cancelled);
  };
  return { clock, timers: t, advance, pending: () => timers.filter((x) => !x.cancelled).length };
}

function setup(opts: Partial<WatchdogOptions> = {}) {
  const time = manualTime();
  const calls: string[] = [];
  const dog = new RendererWatchdog(
    { reload: () => calls.push('reload'), kill: () => calls.push('kill'), showOutOfOrder: () => calls.push('out-of-order') },
    { clock: time.clock, timers: time.timers, log: silentLogger },
    { baseDelayMs: 1_000, maxDelayMs: 8_000, maxFailures: 6, windowMs: 600_000, hangGraceMs: 15_000, outOfOrderRetryMs: null, ...opts },
  );
  return { dog, calls, ...time };
}

describe('renderer watchdog', () => {
  it('reloads a crashed renderer after a delay that doubles per failure and stops at the cap', () => {
    const { dog, calls, advance } = setup();
    const waited: number[] = [];
    for (let i = 0; i < 5; i++) {
      dog.rendererGone('crashed', 139);
      let ms = 0;
      while (!calls.includes('reload')) {
        advance(250);
        ms += 250;
      }
      waited.push(ms);
      calls.length = 0;
    }
    expect(waited).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(dog.status()).toMatchObject({ state: 'running', recentFailures: 5, lastReason: 'crashed' });
  });

  it('shows the out-of-order page after repeated failures instead of reloading again, and stays there', () => {
    const { dog, calls, advance, pending } = setup({ maxFailures: 3 });
    dog.rendererGone('crashed');
    advance(1_000);
    dog.rendererGone('oom');
    advance(2_000);
    expect(calls).toEqual(['reload', 'reload']);
    dog.rendererGone('crashed');
    expect(calls).toEqual(['reload', 'reload', 'out-of-order']);
    expect(dog.status().state).toBe('out-of-order');
    // The out-of-order page itself going away changes nothing; no reload is ever scheduled.
    dog.rendererGone('crashed');
    advance(24 * 3_600_000);
    expect(calls).toEqual(['reload', 'reload', 'out-of-order']);
    expect(pending()).toBe(0);
  });

  it('tries the app again once the out-of-order retry time has passed', () => {
    const { dog, calls, advance } = setup({ maxFailures: 2, outOfOrderRetryMs: 1_800_000 });
    dog.rendererGone('crashed');
    advance(1_000);
    dog.rendererGone('crashed');
    advance(1_799_999);
    expect(calls).toEqual(['reload', 'out-of-order']);
    advance(1);
    expect(calls).toEqual(['reload', 'out-of-order', 'reload']);
    expect(dog.status()).toMatchObject({ state: 'running', recentFailures: 0 });
  });

  it('forgets failures older than the window, so a kiosk that crashes once a day never goes out of order', () => {
    const { dog, calls, advance } = setup({ maxFailures: 3, windowMs: 600_000 });
    for (let day = 0; day < 10; day++) {
      dog.rendererGone('crashed');
      advance(86_400_000);
    }
    expect(calls.filter((c) => c === 'out-of-order')).toEqual([]);
    expect(calls.filter((c) => c === 'reload')).toHaveLength(10);
    expect(dog.status().recentFailures).toBe(0);
  });

  it('kills a renderer that stays unresponsive past the grace period; its death then counts and reloads', () => {
    const { dog, calls, advance } = setup();
    dog.unresponsive();
    advance(14_999);
    expect(calls).toEqual([]);
    advance(1);
    expect(calls).toEqual(['kill']);
    dog.rendererGone('killed');
    advance(1_000);
    expect(calls).toEqual(['kill', 'reload']);
    expect(dog.status().recentFailures).toBe(1);
  });

  it('leaves a renderer alone that answers again within the grace period', () => {
    const { dog, calls, advance } = setup();
    dog.unresponsive();
    advance(10_000);
    dog.responsive();
    advance(60_000);
    expect(calls).toEqual([]);
    expect(dog.status()).toMatchObject({ state: 'running', recentFailures: 0 });
  });

  it('schedules nothing after stop', () => {
    const { dog, calls, advance, pending } = setup();
    dog.rendererGone('crashed');
    dog.stop();
    advance(60_000);
    expect(calls).toEqual([]);
    expect(pending()).toBe(0);
  });
});

describe('main-process crash guard', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  function guard(path: string, now: () => number) {
    const calls: string[] = [];
    const errors: Record<string, unknown>[] = [];
    const g = new MainCrashGuard(
      {
        log: { ...silentLogger, error: (_m, d) => errors.push(d ?? {}) },
        clock: { now },
        crashLog: fileCrashLog(path),
        relaunch: (mode) => calls.push(mode.outOfOrder ? 'relaunch:out-of-order' : 'relaunch'),
        exit: (code) => calls.push(`exit:${code}`),
      },
      { maxCrashes: 3, windowMs: 600_000 },
    );
    return { g, calls, errors };
  }

  it('logs an uncaught error and relaunches; the third crash within the window relaunches into the out-of-order page', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'crashes.json');
    let now = 5_000_000;
    // Each crash is a new process: a new guard reading the same file.
    const first = guard(path, () => now);
    first.g.handle('uncaughtException', new Error('boom'));
    expect(first.calls).toEqual(['relaunch', 'exit:1']);
    expect(first.errors[0]).toMatchObject({ kind: 'uncaughtException', error: 'boom', crashesInWindow: 1 });
    now += 60_000;
    const second = guard(path, () => now);
    second.g.handle('unhandledRejection', 'rejected');
    expect(second.calls).toEqual(['relaunch', 'exit:1']);
    now += 60_000;
    const third = guard(path, () => now);
    third.g.handle('uncaughtException', new Error('boom again'));
    expect(third.calls).toEqual(['relaunch:out-of-order', 'exit:1']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveLength(3);
  });

  it('does not count crashes older than the window, nor any after a clean run cleared them', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'crashes.json');
    writeFileSync(path, JSON.stringify([1_000, 2_000, 3_000]));
    const late = guard(path, () => 10_000_000);
    late.g.handle('uncaughtException', new Error('x'));
    expect(late.calls).toEqual(['relaunch', 'exit:1']);
    writeFileSync(path, JSON.stringify([9_999_000, 9_999_500]));
    const cleared = guard(path, () => 10_000_000);
    cleared.g.clear();
    cleared.g.handle('uncaughtException', new Error('y'));
    expect(cleared.calls).toEqual(['relaunch', 'exit:1']);
  });

  it('handles the first of several errors only (one relaunch), and survives an unreadable crash file', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'crashes.json');
    writeFileSync(path, '{not json');
    const { g, calls } = guard(path, () => 1);
    const listeners: Record<string, (e: unknown) => void> = {};
    g.install({ on: ((event: string, fn: (e: unknown) => void) => (listeners[event] = fn)) as never });
    listeners.uncaughtException?.(new Error('one'));
    listeners.unhandledRejection?.(new Error('two'));
    expect(calls).toEqual(['relaunch', 'exit:1']);
  });
});

describe('out-of-order page', () => {
  it('tells the customer to see the front desk in English and Spanish, with no script, and escapes the station id', () => {
    const html = outOfOrderHtml({ stationId: 'lobby-<2>', since: '2026-12-04T10:00:00.000Z' });
    expect(html).toContain('This kiosk is out of order. Please see the front desk.');
    expect(html).toContain('Por favor, acuda a la recepción.');
    expect(html).toContain('lobby-&#60;2&#62;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("default-src 'none'");
    expect(decodeURIComponent(outOfOrderDataUrl({ stationId: 's', since: 'x' }).replace(/^data:text\/html;charset=utf-8,/, ''))).toBe(
      outOfOrderHtml({ stationId: 's', since: 'x' }),
    );
  });
});
