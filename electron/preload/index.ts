/**
 * Sandboxed preload (a single CommonJS bundle; it may require nothing but 'electron').
 * Exposes exactly one object, `window.portal`, with one named function per contract entry.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { Result } from '../shared/contract';
import { createPortal } from '../shared/portal-factory';

const portal = createPortal(
  (channel, request) => ipcRenderer.invoke(channel, request) as Promise<Result<unknown>>,
  (channel, listener) => {
    const wrapped = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
);

contextBridge.exposeInMainWorld('portal', portal);
