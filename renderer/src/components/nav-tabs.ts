import type { MessageKey } from '../i18n';

/** One tab of NavTabs.vue: a route, its label and its test id. */
export interface NavTab {
  to: string;
  label: MessageKey;
  testid: string;
}
