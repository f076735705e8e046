import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { PaymentType, SavedMethod, SavedMethods } from '../../../electron/shared/contract';
import { ApiError, portal } from '../api/portal';

/** The customer's saved payment methods and autopay setting (Invoices tab, Saved methods, payment page). */
export const useMethodsStore = defineStore('methods', () => {
  const methods = shallowRef<readonly SavedMethod[]>([]);
  const autopayEnabled = ref(false);
  const defaultMethodId = ref<string | null>(null);
  const loading = ref(false);
  const loaded = ref(false);
  /** The id of the method (or 'autopay') whose change is in flight. */
  const busy = ref<string | null>(null);
  const error = shallowRef<ApiError | null>(null);

  const defaultMethod = computed(
    () => methods.value.find((m) => m.id === defaultMethodId.value) ?? methods.value.find((m) => m.isDefault) ?? null,
  );

  function ofType(type: PaymentType): SavedMethod[] {
    return methods.value.filter((m) => m.type === type);
  }

  let generation = 0;

  function apply(value: SavedMethods): void {
    methods.value = value.methods;
    autopayEnabled.value = value.autopay.enabled;
    defaultMethodId.value = value.autopay.defaultMethodId;
    loaded.value = true;
  }

  async function load(): Promise<void> {
    const current = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const value = await portal.listMethods();
      if (current === generation) apply(value);
    } catch (cause) {
      if (current === generation) error.value = ApiError.from(cause);
    } finally {
      if (current === generation) loading.value = false;
    }
  }

  /** Runs one change; throws ApiError so the caller can show it where the change was asked for. */
  async function change(key: string, run: () => Promise<SavedMethods>): Promise<void> {
    busy.value = key;
    const current = ++generation;
    try {
      const value = await run();
      if (current === generation) apply(value);
    } finally {
      if (current === generation) busy.value = null;
    }
  }

  const setAutopay = (enabled: boolean) => change('autopay', () => portal.setAutopay(enabled));
  const setDefault = (id: string) => change(id, () => portal.setDefaultMethod(id));
  const remove = (id: string) => change(id, () => portal.removeMethod(id));

  function reset(): void {
    generation++;
    methods.value = [];
    autopayEnabled.value = false;
    defaultMethodId.value = null;
    loading.value = false;
    loaded.value = false;
    busy.value = null;
    error.value = null;
  }

  return {
    methods,
    autopayEnabled,
    defaultMethodId,
    defaultMethod,
    loading,
    loaded,
    busy,
    error,
    ofType,
    load,
    setAutopay,
    setDefault,
    remove,
    reset,
  };
});
