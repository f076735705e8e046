import { describe, expect, it, vi } from 'vitest';
import { contract, entryNames } from '../../electron/shared/contract';

vi.mock('electron', () => ({ app: { on: vi.fn() }, net: {}, protocol: {}, session: {}, shell: {} }));
const { registerIpc } = await import('../../electron/main/ipc/register-electron');

describe('Electron IPC registration', () => {
  type Listener = (event: unknown, req: unknown) => Promise<unknown>;
  const handlers = new Map<string, Listener>();
  const ipcMain = {
    handle: (channel: string, fn: Listener) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  };
  const dispatched: unknown[][] = [];
  const kiosk = { dispatcher: { dispatch: async (...args: unknown[]) => (dispatched.push(args), { ok: true, value: 'v' }) } };
  const unregister = registerIpc(ipcMain as never, kiosk as never);

  it('registers exactly one handler per contract channel', () => {
    expect([...handlers.keys()].sort()).toEqual(entryNames.map((n) => contract[n].channel).sort());
  });

  it('dispatches calls from the app page with the window as the caller', async () => {
    const event = { sender: { id: 7 }, senderFrame: { url: 'app://kiosk/index.html#/sign-in' } };
    expect(await handlers.get(contract.appInfo.channel)!(event, {})).toEqual({ ok: true, value: 'v' });
    expect(dispatched).toEqual([['window:7', contract.appInfo.channel, {}]]);
  });

  it('refuses calls from any other frame (a Stripe iframe, a file page, a destroyed frame)', async () => {
    dispatched.length = 0;
    for (const senderFrame of [{ url: 'https://js.stripe.com/v3/' }, { url: 'file:///x/index.html' }, null]) {
      const r = await handlers.get(contract.listInvoices.channel)!({ sender: { id: 7 }, senderFrame }, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(dispatched).toEqual([]);
  });

  it('removes every handler it added', () => {
    unregister();
    expect(handlers.size).toBe(0);
  });
});
