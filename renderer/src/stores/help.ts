import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { ApiError, portal } from '../api/portal';

/** The kiosk's "Get help": one request per visit (asking again just says staff are on the way). */
export const useHelpStore = defineStore('help', () => {
  const sending = ref(false);
  const sent = ref(false);
  const error = shallowRef<ApiError | null>(null);

  async function ask(invoiceId?: string): Promise<void> {
    if (sending.value) return;
    sending.value = true;
    error.value = null;
    try {
      await portal.helpRequest(invoiceId ? { invoiceId } : {});
      sent.value = true;
    } catch (cause) {
      error.value = ApiError.from(cause);
    } finally {
      sending.value = false;
    }
  }

  function reset(): void {
    sending.value = false;
    sent.value = false;
    error.value = null;
  }

  return { sending, sent, error, ask, reset };
});
