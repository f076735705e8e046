import { computed, onScopeDispose, readonly, ref, watch, type Ref } from 'vue';

/** Time as the idle timer sees it. The default is the window's; tests can pass their own (or use Playwright's page.clock). */
export interface IdleClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

export const windowClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle),
};

/** What counts as someone being there. Pointer moves count too: a hand on the screen is a visitor. */
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'touchstart', 'wheel'] as const;

export interface IdleOptions {
  /** Seconds without input before the "Still there?" prompt. */
  timeoutSeconds: Ref<number>;
  /** Seconds the prompt counts down before `onTimeout`. */
  countdownSeconds?: number;
  /** The timer runs only while this is true (not on the welcome screen). */
  enabled: Ref<boolean>;
  onTimeout: () => void;
  clock?: IdleClock;
  /** Where input is listened for (default: window). */
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

/**
 * The kiosk's idle timer: after `timeoutSeconds` without input it raises `prompting` and counts
 * `secondsLeft` down; `stillHere()` starts over; at zero `onTimeout` runs once. Input while the
 * prompt shows does not dismiss it: only the prompt's own button does, so a passer-by's touch
 * cannot keep the last visitor's session open by accident.
 */
export function useIdle(options: IdleOptions) {
  const clock = options.clock ?? windowClock;
  const target = options.target ?? window;
  const countdownMs = (options.countdownSeconds ?? 30) * 1000;

  const prompting = ref(false);
  const deadline = ref(0);
  const now = ref(clock.now());
  const secondsLeft = computed(() => Math.max(0, Math.ceil((deadline.value - now.value) / 1000)));

  let lastActivity = clock.now();
  let timer: number | null = null;

  function clear(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  }

  function schedule(ms: number, callback: () => void): void {
    clear();
    timer = clock.setTimeout(callback, Math.max(0, ms));
  }

  function check(): void {
    if (!options.enabled.value) return;
    const idleFor = clock.now() - lastActivity;
    const timeoutMs = options.timeoutSeconds.value * 1000;
    if (idleFor < timeoutMs) {
      schedule(timeoutMs - idleFor, check);
      return;
    }
    prompting.value = true;
    deadline.value = clock.now() + countdownMs;
    tick();
  }

  function tick(): void {
    now.value = clock.now();
    if (now.value >= deadline.value) {
      stop();
      options.onTimeout();
      return;
    }
    // Wake on the next whole second so the visible countdown steps evenly.
    schedule(Math.min(1000, deadline.value - now.value), tick);
  }

  function onActivity(): void {
    if (prompting.value) return;
    lastActivity = clock.now();
  }

  function start(): void {
    lastActivity = clock.now();
    prompting.value = false;
    schedule(options.timeoutSeconds.value * 1000, check);
  }

  function stop(): void {
    clear();
    prompting.value = false;
  }

  /** The prompt's "I'm still here". */
  function stillHere(): void {
    start();
  }

  for (const name of ACTIVITY_EVENTS) target.addEventListener(name, onActivity, { passive: true, capture: true });

  watch(
    [options.enabled, options.timeoutSeconds],
    ([enabled]) => {
      if (enabled) start();
      else stop();
    },
    { immediate: true },
  );

  onScopeDispose(() => {
    stop();
    for (const name of ACTIVITY_EVENTS) target.removeEventListener(name, onActivity, { capture: true });
  });

  return { prompting: readonly(prompting), secondsLeft, stillHere };
}
