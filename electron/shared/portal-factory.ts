import { contract, entryNames, eventNames, events, subscriberName, type PortalApi, type Result } from './contract';

export type Invoke = (channel: string, request: unknown) => Promise<Result<unknown>>;
export type Subscribe = (channel: string, listener: (payload: unknown) => void) => () => void;

/**
 * Builds the `window.portal` object from the contract: one named function per entry, one `on<Event>`
 * per event. Used by the Electron preload (over ipcRenderer) and the browser preview's bridge (over
 * HTTP/WebSocket), so both expose exactly the same surface and nothing generic.
 */
export function createPortal(invoke: Invoke, subscribe: Subscribe): PortalApi {
  const api: Record<string, unknown> = {};
  for (const name of entryNames) {
    const { channel } = contract[name];
    api[name] = (request: unknown) => invoke(channel, request ?? {});
  }
  for (const name of eventNames) {
    const { channel } = events[name];
    api[subscriberName(name)] = (callback: (payload: unknown) => void) => {
      if (typeof callback !== 'function') throw new TypeError('callback must be a function');
      return subscribe(channel, callback);
    };
  }
  return Object.freeze(api) as PortalApi;
}
