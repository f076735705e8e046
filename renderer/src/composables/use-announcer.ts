import { nextTick, readonly, ref } from 'vue';

const message = ref('');

/**
 * One polite live region for the whole app (rendered by App.vue). Use it for results that have no
 * visible place of their own ("Filled in the form", "Signed out"); errors use role=alert in place.
 */
export function useAnnouncer() {
  async function announce(text: string): Promise<void> {
    // Clear first so the same text twice is announced twice.
    message.value = '';
    await nextTick();
    message.value = text;
  }
  return { message: readonly(message), announce };
}
