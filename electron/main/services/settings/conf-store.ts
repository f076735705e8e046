import Conf from 'conf';
import type { KeyValueStore } from './settings-service';

/** The settings backend under plain Node (browser preview, tests): `conf`, the library electron-store wraps. */
export function createConfStore(cwd: string): KeyValueStore {
  return new Conf<Record<string, unknown>>({ cwd, configName: 'settings', projectName: 'payment-kiosk' });
}
