import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Invoice, InvoiceDetail } from '../../../electron/shared/contract';
import { isPayable, payOrder } from '../../../electron/shared/payment-rules';
import { ApiError, portal } from '../api/portal';

/** The one rule main uses too (electron/shared/payment-rules). */
export { isPayable };

/** The signed-in customer's invoices and the one open in the detail view. */
export const useInvoicesStore = defineStore('invoices', () => {
  const invoices = shallowRef<readonly Invoice[]>([]);
  /** Unix seconds of the data, from main. */
  const asOf = ref<number | null>(null);
  const loading = ref(false);
  const loaded = ref(false);
  const error = shallowRef<ApiError | null>(null);

  const detail = shallowRef<InvoiceDetail | null>(null);
  const detailId = ref<string | null>(null);
  const detailLoading = ref(false);
  const detailError = shallowRef<ApiError | null>(null);

  const isEmpty = computed(() => loaded.value && !error.value && invoices.value.length === 0);
  /** What can be paid now, oldest due first (the order a payment is spread in). */
  const payable = computed(() => payOrder(invoices.value.filter(isPayable)));
  /** The whole open balance (one currency: a customer's invoices share theirs). */
  const openBalance = computed(() => payable.value.reduce((sum, i) => sum + i.amountRemaining, 0));

  // Each request carries a generation so a stale answer (after reset or a newer request) is dropped.
  let listGeneration = 0;
  let detailGeneration = 0;

  async function load(): Promise<void> {
    const generation = ++listGeneration;
    loading.value = true;
    error.value = null;
    try {
      const value = await portal.listInvoices();
      if (generation !== listGeneration) return;
      invoices.value = value.invoices;
      asOf.value = value.asOf;
      loaded.value = true;
    } catch (cause) {
      if (generation !== listGeneration) return;
      error.value = ApiError.from(cause);
    } finally {
      if (generation === listGeneration) loading.value = false;
    }
  }

  function byId(invoiceId: string): Invoice | undefined {
    return invoices.value.find((invoice) => invoice.id === invoiceId);
  }

  async function openDetail(invoiceId: string): Promise<void> {
    const generation = ++detailGeneration;
    detailId.value = invoiceId;
    detail.value = null;
    detailError.value = null;
    detailLoading.value = true;
    try {
      const value = await portal.getInvoice(invoiceId);
      if (generation !== detailGeneration) return;
      detail.value = value;
    } catch (cause) {
      if (generation !== detailGeneration) return;
      detailError.value = ApiError.from(cause);
    } finally {
      if (generation === detailGeneration) detailLoading.value = false;
    }
  }

  function closeDetail(): void {
    detailGeneration++;
    detailId.value = null;
    detail.value = null;
    detailError.value = null;
    detailLoading.value = false;
  }

  function reset(): void {
    listGeneration++;
    invoices.value = [];
    asOf.value = null;
    loading.value = false;
    loaded.value = false;
    error.value = null;
    closeDetail();
  }

  return {
    invoices,
    asOf,
    loading,
    loaded,
    error,
    isEmpty,
    payable,
    openBalance,
    detail,
    detailId,
    detailLoading,
    detailError,
    load,
    byId,
    openDetail,
    closeDetail,
    reset,
  };
});
