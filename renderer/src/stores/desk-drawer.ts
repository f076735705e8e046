import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { RequestOf, ResponseOf } from '../../../electron/shared/contract';
import type { DrawerView } from '../../../electron/shared/contract-drawer';
import { ApiError, portal } from '../api/portal';

export type DrawerCashResult = ResponseOf<'deskDrawerCash'>;
export type DrawerCloseResult = ResponseOf<'deskCloseDrawer'>;

/**
 * This station's cash drawer: the open one (or none), its moves, and the last close. Calls throw
 * ApiError (with `field` for the amount, the reason, a count cell or the approval); the screen shows them.
 */
export const useDeskDrawerStore = defineStore('desk-drawer', () => {
  /** null: none open (or not loaded yet: see `loaded`). */
  const drawer = shallowRef<DrawerView | null>(null);
  const varianceLimit = ref(500);
  const loaded = ref(false);
  const loading = ref(false);
  const error = shallowRef<ApiError | null>(null);
  /** The drawer closed last on this screen, with its print answer. */
  const closed = shallowRef<DrawerCloseResult | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const value = await portal.deskDrawer();
      drawer.value = value.drawer;
      varianceLimit.value = value.varianceLimit;
      loaded.value = true;
    } catch (cause) {
      error.value = ApiError.from(cause);
    } finally {
      loading.value = false;
    }
  }

  async function open(float: number): Promise<DrawerView> {
    const value = await portal.deskOpenDrawer(float);
    drawer.value = value;
    closed.value = null;
    return value;
  }

  /** Cash through the open drawer; refused with `drawer_not_open` when none is open here. */
  async function cash(request: RequestOf<'deskDrawerCash'>): Promise<DrawerCashResult> {
    try {
      return await portal.deskDrawerCash(request);
    } finally {
      void load();
    }
  }

  async function paidIn(amount: number, reason: string): Promise<void> {
    drawer.value = await portal.deskDrawerPaidIn(amount, reason);
  }

  async function paidOut(amount: number, reason: string): Promise<void> {
    drawer.value = await portal.deskDrawerPaidOut(amount, reason);
  }

  async function noSale(reason: string): Promise<ResponseOf<'deskDrawerNoSale'>> {
    const value = await portal.deskDrawerNoSale(reason);
    drawer.value = value.drawer;
    return value;
  }

  async function close(request: RequestOf<'deskCloseDrawer'>): Promise<DrawerCloseResult> {
    const value = await portal.deskCloseDrawer(request);
    closed.value = value;
    drawer.value = null;
    return value;
  }

  const printReport = (drawerId: string) => portal.deskPrintDrawerReport(drawerId);
  const reportPdf = async (drawerId: string) => (await portal.deskDrawerReportPdf(drawerId)).base64;

  function reset(): void {
    drawer.value = null;
    loaded.value = false;
    loading.value = false;
    error.value = null;
    closed.value = null;
  }

  return {
    drawer,
    varianceLimit,
    loaded,
    loading,
    error,
    closed,
    load,
    open,
    cash,
    paidIn,
    paidOut,
    noSale,
    close,
    printReport,
    reportPdf,
    reset,
  };
});
