import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { contract, entryNames } from '../../shared/contract';
import type { Kiosk } from '../composition';
import { isTrustedFrame } from '../app/security';

/** The Electron transport: one ipcMain.handle per contract channel, each through the dispatcher. */
export function registerIpc(ipcMain: IpcMain, kiosk: Kiosk): () => void {
  const callerOf = (event: IpcMainInvokeEvent) => `window:${event.sender.id}`;
  for (const name of entryNames) {
    const { channel } = contract[name];
    ipcMain.handle(channel, async (event, request: unknown) => {
      if (!isTrustedFrame(event.senderFrame)) {
        return { ok: false, error: { code: 'forbidden', reason: 'not_allowed', message: 'Calls are accepted from the kiosk page only.' } };
      }
      return kiosk.dispatcher.dispatch(callerOf(event), channel, request);
    });
  }
  return () => entryNames.forEach((name) => ipcMain.removeHandler(contract[name].channel));
}
