import { useRouter } from 'vue-router';
import { resetAllStores, useSessionStore } from '../stores';

/**
 * Ends the visit: signs out in main (customer or guest), wipes every store and goes to the welcome
 * screen. Every field lives in a view, so leaving the view clears it. Used by the idle timeout, by
 * Done in the payment result and by a guest's Leave.
 *
 * The screen is wiped at once, not after main answers: main's `sessionEnded` push may arrive
 * before the answer, and a late navigation must never pull the next visitor back to the start.
 */
export function useEndVisit() {
  const session = useSessionStore();
  const router = useRouter();

  async function endVisit(): Promise<void> {
    const signingOut = session.active
      ? session.signOut().catch(() => {
          // Locally the session is public either way.
        })
      : Promise.resolve();
    resetAllStores();
    await router.replace('/');
    await signingOut;
  }

  return { endVisit };
}
