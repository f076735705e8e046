import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { contract, entryNames, eventNames, subscriberName } from '../../electron/shared/contract';

// Built by `npm run build` (npm test builds first).
const bundlePath = fileURLToPath(new URL('../../out/preload/index.cjs', import.meta.url));

describe('preload bundle', () => {
  let source = '';
  beforeAll(() => {
    source = readFileSync(bundlePath, 'utf8');
  });

  it('is one CommonJS file that requires nothing but electron', () => {
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toMatch(/^\s*export\s/m);
    const required = [...source.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('exposes exactly one object, window.portal, with one function per contract entry and event', async () => {
    const exposed: Record<string, unknown> = {};
    const invoked: [string, unknown][] = [];
    const listeners: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: {
        invoke: (channel: string, req: unknown) => {
          invoked.push([channel, req]);
          return Promise.resolve({ ok: true, value: null });
        },
        on: (channel: string) => listeners.push(channel),
        removeListener: () => {},
      },
    };
    const module = { exports: {} };
    const require = (id: string) => {
      if (id !== 'electron') throw new Error(`preload required ${id}`);
      return electron;
    };
    vm.runInNewContext(source, { module, exports: module.exports, require, console });

    expect(Object.keys(exposed)).toEqual(['portal']);
    const portal = exposed['portal'] as Record<string, unknown>;
    const expected = [...entryNames, ...eventNames.map(subscriberName)].sort();
    expect(Object.keys(portal).sort()).toEqual(expected);
    for (const key of expected) expect(typeof portal[key]).toBe('function');
    expect(Object.isFrozen(portal)).toBe(true);
    expect('ipcRenderer' in portal || 'invoke' in portal || 'send' in portal).toBe(false);

    await (portal['signIn'] as (r: unknown) => Promise<unknown>)({ email: 'a@b.co', password: 'x' });
    expect(invoked).toEqual([[contract.signIn.channel, { email: 'a@b.co', password: 'x' }]]);
    (portal['onSessionEnded'] as (cb: () => void) => () => void)(() => {});
    expect(listeners).toEqual(['event:sessionEnded']);
  });
});
