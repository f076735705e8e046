import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { DeskReport } from '../../../electron/shared/contract-desk';
import { ApiError, portal } from '../api/portal';

export type ReportScope = 'station' | 'office';

/** The manager's end-of-day report and its CSV / PDF exports. */
export const useDeskReportStore = defineStore('deskReport', () => {
  const report = shallowRef<DeskReport | null>(null);
  const loading = ref(false);
  const error = shallowRef<ApiError | null>(null);
  let generation = 0;

  async function load(date: string, scope: ReportScope): Promise<void> {
    const current = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const value = await portal.deskReport({ date, scope });
      if (current === generation) report.value = value;
    } catch (cause) {
      if (current === generation) error.value = ApiError.from(cause);
    } finally {
      if (current === generation) loading.value = false;
    }
  }

  /** Throws ApiError. */
  const csv = async (date: string, scope: ReportScope) => (await portal.deskReportCsv({ date, scope })).csv;
  const pdf = async (date: string, scope: ReportScope) => (await portal.deskReportPdf({ date, scope })).base64;

  function reset(): void {
    generation++;
    report.value = null;
    loading.value = false;
    error.value = null;
  }

  return { report, loading, error, load, csv, pdf, reset };
});
