import type { AppInfo } from '../../shared/contract';
import type { Handlers } from './dispatcher';

export const appHandlers = (appInfo: () => AppInfo): Pick<Handlers, 'appInfo'> => ({
  appInfo: async () => appInfo(),
});
