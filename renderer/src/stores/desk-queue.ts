import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ResponseOf } from '../../../electron/shared/contract';
import { ApiError, portal } from '../api/portal';

export type QueueItem = ResponseOf<'deskQueue'>['items'][number];
export type HelpRequest = ResponseOf<'deskHelpList'>['requests'][number];

/** The desk's Queue tab (the durable outbox) and Help tab (requests from the kiosks). */
export const useDeskQueueStore = defineStore('deskQueue', () => {
  const items = shallowRef<readonly QueueItem[]>([]);
  const loading = ref(false);
  const error = shallowRef<ApiError | null>(null);

  const help = shallowRef<readonly HelpRequest[]>([]);
  const helpLoading = ref(false);
  const helpError = shallowRef<ApiError | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      items.value = (await portal.deskQueue()).items;
      error.value = null;
    } catch (cause) {
      error.value = ApiError.from(cause);
    } finally {
      loading.value = false;
    }
  }

  /** Throws ApiError. */
  async function retry(id: string): Promise<void> {
    await portal.deskRetryQueued(id);
    await load();
  }

  /** Manager. Throws ApiError (field `reason`). */
  async function cancel(id: string, reason: string): Promise<void> {
    await portal.deskCancelQueued(id, reason.trim());
    await load();
  }

  async function loadHelp(): Promise<void> {
    helpLoading.value = true;
    try {
      help.value = (await portal.deskHelpList()).requests;
      helpError.value = null;
    } catch (cause) {
      helpError.value = ApiError.from(cause);
    } finally {
      helpLoading.value = false;
    }
  }

  async function resolveHelp(id: string): Promise<void> {
    await portal.deskResolveHelp(id);
    await loadHelp();
  }

  function reset(): void {
    items.value = [];
    error.value = null;
    loading.value = false;
    help.value = [];
    helpError.value = null;
    helpLoading.value = false;
  }

  return { items, loading, error, help, helpLoading, helpError, load, retry, cancel, loadHelp, resolveHelp, reset };
});
