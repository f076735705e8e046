import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { DeskReport, ReportPrintAnswer } from '../../../electron/shared/contract-desk';
import { ApiError, portal } from '../api/portal';

export type ReportScope = 'station' | 'office';

/** The manager's end-of-day report, its CSV / PDF exports and printing on the station's receipt printer. */
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
  /** Throws ApiError; printer problems are answers ({printed: false, problem}), not errors. */
  const print = async (date: string, scope: ReportScope): Promise<ReportPrintAnswer> => portal.deskPrintReport({ date, scope });

  function reset(): void {
    generation++;
    report.value = null;
    loading.value = false;
    error.value = null;
  }

  return { report, loading, error, load, csv, pdf, print, reset };
});
