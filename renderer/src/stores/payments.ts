import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { PaymentOutcome, PaymentSummary, PendingVerification } from '../../../electron/shared/contract';
import { ApiError, portal } from '../api/portal';

/** The signed-in customer's payment history and the bank accounts waiting for their micro-deposit code. */
export const usePaymentsStore = defineStore('payments', () => {
  const payments = shallowRef<readonly PaymentSummary[]>([]);
  const pending = shallowRef<readonly PendingVerification[]>([]);
  const asOf = ref<number | null>(null);
  const loading = ref(false);
  const loaded = ref(false);
  const error = shallowRef<ApiError | null>(null);
  /** The attempt whose code is being checked. */
  const verifying = ref<string | null>(null);

  let generation = 0;

  async function load(): Promise<void> {
    const current = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const [history, waiting] = await Promise.all([portal.listPayments(), portal.pendingVerifications()]);
      if (current !== generation) return;
      payments.value = history.payments;
      asOf.value = history.asOf;
      pending.value = waiting.pending;
      loaded.value = true;
    } catch (cause) {
      if (current === generation) error.value = ApiError.from(cause);
    } finally {
      if (current === generation) loading.value = false;
    }
  }

  /** Only the payments waiting for a code (a guest has no history: just their invoice's). */
  async function loadPending(): Promise<void> {
    const current = ++generation;
    try {
      const waiting = await portal.pendingVerifications();
      if (current === generation) pending.value = waiting.pending;
    } catch (cause) {
      if (current === generation) error.value = ApiError.from(cause);
    }
  }

  /** Sends the 6-character code; reloads the lists when the payment moves on. Throws ApiError. */
  async function verify(attemptId: string, code: string): Promise<PaymentOutcome> {
    verifying.value = attemptId;
    try {
      const outcome = await portal.verifyMicrodeposits(attemptId, code.trim().toUpperCase());
      if (outcome.status !== 'failed') await (loaded.value ? load() : loadPending());
      return outcome;
    } finally {
      verifying.value = null;
    }
  }

  function reset(): void {
    generation++;
    payments.value = [];
    pending.value = [];
    asOf.value = null;
    loading.value = false;
    loaded.value = false;
    error.value = null;
    verifying.value = null;
  }

  return { payments, pending, asOf, loading, loaded, error, verifying, load, loadPending, verify, reset };
});
