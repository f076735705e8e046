import type { AppInfo, Connectivity } from '../../shared/contract';
import type { Handlers } from './dispatcher';

export const appHandlers = (appInfo: () => AppInfo, connectivity: () => Connectivity): Pick<Handlers, 'appInfo' | 'connectivity'> => ({
  appInfo: async () => appInfo(),
  connectivity: async () => connectivity(),
});
