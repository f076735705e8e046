/// <reference lib="dom" />
/**
 * The browser preview's stand-in for the Electron preload: defines `window.portal` over HTTP
 * (calls) and a WebSocket (events), built from the same contract. Served as /__bridge.js.
 */
import type { Result } from '../shared/contract';
import { createPortal } from '../shared/portal-factory';

const unreachable: Result<never> = {
  ok: false,
  error: { code: 'stripe_unavailable', reason: 'stripe_unreachable', message: 'The kiosk service cannot be reached.' },
};

async function invoke(channel: string, request: unknown): Promise<Result<unknown>> {
  try {
    const res = await fetch(`/api/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(request),
    });
    return (await res.json()) as Result<unknown>;
  } catch {
    return unreachable;
  }
}

const listeners = new Map<string, Set<(payload: unknown) => void>>();
let socket: WebSocket | null = null;

function connect(): void {
  socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/__events`);
  socket.onmessage = (msg) => {
    try {
      const { channel, payload } = JSON.parse(String(msg.data)) as { channel: string; payload: unknown };
      listeners.get(channel)?.forEach((l) => l(payload));
    } catch {
      /* ignore malformed frames */
    }
  };
  socket.onclose = () => {
    socket = null;
    setTimeout(connect, 1000);
  };
}

function subscribe(channel: string, listener: (payload: unknown) => void): () => void {
  if (!socket) connect();
  const set = listeners.get(channel) ?? new Set();
  set.add(listener);
  listeners.set(channel, set);
  return () => set.delete(listener);
}

Object.defineProperty(window, 'portal', { value: createPortal(invoke, subscribe), writable: false, configurable: false });
