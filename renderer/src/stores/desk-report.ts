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

  /** No date: today at the station (main knows its time zone). */
  const request = (date: string | undefined, scope: ReportScope) => (date ? { date, scope } : { scope });

  async function load(date: string | undefined, scope: ReportScope): Promise<void> {
    const current = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const value = await portal.deskReport(request(date, scope));
      if (current === generation) report.value = value;
    } catch (cause) {
      if (current === generation) error.value = ApiError.from(cause);
    } finally {
      if (current === generation) loading.value = false;
    }
  }

  /** Throws ApiError. */
  const csv = async (date: string | undefined, scope: ReportScope) => (await portal.deskReportCsv(request(date, scope))).csv;
  const pdf = async (date: string | undefined, scope: ReportScope) => (await portal.deskReportPdf(request(date, scope))).base64;
  /** Throws ApiError; printer problems are answers ({printed: false, problem}), not errors. */
  const print = async (date: string | undefined, scope: ReportScope): Promise<ReportPrintAnswer> =>
    portal.deskPrintReport(request(date, scope));

  function reset(): void {
    generation++;
    report.value = null;
    loading.value = false;
    error.value = null;
  }

  return { report, loading, error, load, csv, pdf, print, reset };
});
