import { defineStore } from 'pinia';
import { computed, onScopeDispose, shallowRef } from 'vue';
import type { Connectivity } from '../../../electron/shared/contract';
import { portal } from '../api/portal';

/**
 * The station's line to Stripe: online / offline, syncing, items waiting in the queue and the time
 * of the last sync. Read once, then kept current by main's `connectivityChanged` push for as long
 * as the store lives (unsubscribed on `$dispose`). Station-level, so `reset()` keeps it.
 */
export const useConnectivityStore = defineStore('connectivity', () => {
  const state = shallowRef<Connectivity | null>(null);

  const online = computed(() => state.value?.state !== 'offline');
  const syncing = computed(() => state.value?.syncing ?? false);
  const waiting = computed(() => state.value?.waiting ?? 0);
  const lastSyncAt = computed(() => state.value?.lastSyncAt ?? null);

  async function load(): Promise<void> {
    try {
      state.value = await portal.connectivity();
    } catch {
      // Unknown stays unknown; the next push fills it in.
    }
  }

  const unsubscribe = portal.onConnectivityChanged((value) => {
    state.value = value;
  });
  onScopeDispose(unsubscribe);
  void load();

  return { state, online, syncing, waiting, lastSyncAt, load };
});
