import Store from 'electron-store';
import type { KeyValueStore } from '../services/settings/settings-service';

/** Settings inside Electron: electron-store (in the app's userData folder). */
export function createElectronStore(): KeyValueStore {
  return new Store<Record<string, unknown>>({ name: 'settings' });
}
