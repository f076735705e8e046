import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { StaffMember } from '../../../electron/shared/contract-desk';
import type { RequestOf } from '../../../electron/shared/contract';
import { ApiError, portal } from '../api/portal';
import { useSessionStore } from './session';

/**
 * The front desk's staff session (separate from customer sessions: main keeps one role per caller)
 * and, for managers, the staff list. The role itself lives in the session store, so the App's
 * "session ended → wipe and go home" covers staff too.
 */
export const useDeskStore = defineStore('desk', () => {
  const session = useSessionStore();
  /** null: not asked yet. */
  const hasStaff = ref<boolean | null>(null);
  const staff = shallowRef<StaffMember | null>(null);
  const pending = ref(false);
  /** A customer session is being signed out on the way to the desk: the App must not go home. */
  const switching = ref(false);

  const staffList = shallowRef<readonly StaffMember[]>([]);
  const staffLoading = ref(false);
  const staffError = shallowRef<ApiError | null>(null);

  const signedIn = computed(() => session.role === 'clerk' || session.role === 'manager');
  const isManager = computed(() => session.role === 'manager');

  async function loadSetup(): Promise<void> {
    const value = await portal.deskSetupStatus();
    hasStaff.value = value.hasStaff;
  }

  async function run(open: () => Promise<{ staff: StaffMember }>): Promise<void> {
    pending.value = true;
    try {
      const value = await open();
      staff.value = value.staff;
      hasStaff.value = true;
      session.setRole(value.staff.role);
    } finally {
      pending.value = false;
    }
  }

  /** Throws ApiError (`unauthenticated` wrong PIN, `locked`, field errors). */
  const createFirstManager = (name: string, pin: string) => run(() => portal.deskCreateFirstManager(name.trim(), pin));
  const signIn = (name: string, pin: string) => run(() => portal.deskSignIn(name.trim(), pin));

  /** Signs the staff member out; main's `sessionEnded` push (or the local fallback) wipes the screen. */
  async function signOut(): Promise<void> {
    pending.value = true;
    try {
      await portal.deskSignOut();
    } catch {
      // Locally the session is public either way.
    } finally {
      pending.value = false;
      session.reset();
    }
  }

  async function loadStaff(): Promise<void> {
    staffLoading.value = true;
    staffError.value = null;
    try {
      staffList.value = (await portal.deskListStaff()).staff;
    } catch (cause) {
      staffError.value = ApiError.from(cause);
    } finally {
      staffLoading.value = false;
    }
  }

  /** Throws ApiError with `field` for name / pin. */
  async function addStaff(request: RequestOf<'deskAddStaff'>): Promise<StaffMember> {
    const added = await portal.deskAddStaff(request);
    await loadStaff();
    return added;
  }

  async function setActive(staffId: string, active: boolean): Promise<void> {
    await portal.deskSetStaffActive(staffId, active);
    await loadStaff();
  }

  function reset(): void {
    staff.value = null;
    pending.value = false;
    staffList.value = [];
    staffError.value = null;
    staffLoading.value = false;
  }

  return {
    hasStaff,
    staff,
    pending,
    switching,
    signedIn,
    isManager,
    staffList,
    staffLoading,
    staffError,
    loadSetup,
    createFirstManager,
    signIn,
    signOut,
    loadStaff,
    addStaff,
    setActive,
    reset,
  };
});
