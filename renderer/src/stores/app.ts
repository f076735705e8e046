import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AppInfo } from '../../../electron/shared/contract';
import { ApiError, portal } from '../api/portal';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locales';

/**
 * Station-level facts (training mode, demo sign-ins, idle timeout) and the visitor's chosen language.
 * `reset()` returns the language to the default for the next visitor; the station info is not
 * per-visitor data, so it stays loaded.
 */
export const useAppStore = defineStore('app', () => {
  const info = shallowRef<AppInfo | null>(null);
  const loadError = shallowRef<ApiError | null>(null);
  const loading = ref(false);
  const locale = ref<Locale>(DEFAULT_LOCALE);

  const trainingMode = computed(() => info.value?.trainingMode ?? false);
  const demoSignIns = computed(() => (trainingMode.value ? (info.value?.demoSignIns ?? []) : []));
  const demoGuestInvoices = computed(() => (trainingMode.value ? (info.value?.demoGuestInvoices ?? []) : []));
  const idleTimeoutSeconds = computed(() => info.value?.idleTimeoutSeconds ?? 120);
  const emailReceipts = computed(() => info.value?.emailReceipts ?? false);
  const onScreenKeyboard = computed(() => info.value?.onScreenKeyboard ?? 'touch');

  async function load(): Promise<void> {
    loading.value = true;
    try {
      info.value = await portal.appInfo();
      loadError.value = null;
    } catch (cause) {
      loadError.value = ApiError.from(cause);
    } finally {
      loading.value = false;
    }
  }

  function setLocale(next: Locale): void {
    locale.value = next;
  }

  function reset(): void {
    locale.value = DEFAULT_LOCALE;
  }

  return {
    info,
    loadError,
    loading,
    locale,
    trainingMode,
    demoSignIns,
    demoGuestInvoices,
    idleTimeoutSeconds,
    emailReceipts,
    onScreenKeyboard,
    load,
    setLocale,
    reset,
  };
});
