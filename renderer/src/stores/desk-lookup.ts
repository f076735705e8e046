import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ResponseOf } from '../../../electron/shared/contract';
import { ApiError, portal } from '../api/portal';

export type DeskSearchResult = ResponseOf<'deskSearch'>;
export type DeskCustomerFile = ResponseOf<'deskCustomer'>;

/** Lookup at the desk: type-ahead search over the station's local copy, and the open customer. */
export const useDeskLookupStore = defineStore('deskLookup', () => {
  const query = ref('');
  const result = shallowRef<DeskSearchResult | null>(null);
  const searching = ref(false);
  const error = shallowRef<ApiError | null>(null);

  const customer = shallowRef<DeskCustomerFile | null>(null);
  const customerLoading = ref(false);
  const customerError = shallowRef<ApiError | null>(null);

  let searchGeneration = 0;
  let customerGeneration = 0;

  async function search(text: string): Promise<void> {
    const current = ++searchGeneration;
    query.value = text;
    if (text.trim() === '') {
      result.value = null;
      error.value = null;
      searching.value = false;
      return;
    }
    searching.value = true;
    try {
      const value = await portal.deskSearch(text.slice(0, 200));
      if (current !== searchGeneration) return;
      result.value = value;
      error.value = null;
    } catch (cause) {
      if (current === searchGeneration) error.value = ApiError.from(cause);
    } finally {
      if (current === searchGeneration) searching.value = false;
    }
  }

  async function openCustomer(customerId: string): Promise<void> {
    const current = ++customerGeneration;
    if (customer.value?.customer.id !== customerId) customer.value = null;
    customerLoading.value = true;
    customerError.value = null;
    try {
      const value = await portal.deskCustomer(customerId);
      if (current === customerGeneration) customer.value = value;
    } catch (cause) {
      if (current === customerGeneration) customerError.value = ApiError.from(cause);
    } finally {
      if (current === customerGeneration) customerLoading.value = false;
    }
  }

  /** Reloads the open customer (after a payment or a refund). */
  async function refreshCustomer(): Promise<void> {
    if (customer.value) await openCustomer(customer.value.customer.id);
  }

  function closeCustomer(): void {
    customerGeneration++;
    customer.value = null;
    customerError.value = null;
    customerLoading.value = false;
  }

  function reset(): void {
    searchGeneration++;
    query.value = '';
    result.value = null;
    searching.value = false;
    error.value = null;
    closeCustomer();
  }

  return {
    query,
    result,
    searching,
    error,
    customer,
    customerLoading,
    customerError,
    search,
    openCustomer,
    refreshCustomer,
    closeCustomer,
    reset,
  };
});
