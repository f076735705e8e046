/**
 * Named places where a test can make the process die on the spot (SIGKILL: no cleanup, no flush
 * beyond what SQLite already committed). Production passes `noCrashPoints`; the crash-safety tests
 * start a child process with KIOSK_CRASH_AT=<name>.
 */
export type CrashPoint = (name: string) => void;

export const noCrashPoints: CrashPoint = () => {};

export function crashPointsFromEnv(env: Readonly<Record<string, string | undefined>>, kill: () => void): CrashPoint {
  const target = env['KIOSK_CRASH_AT'];
  if (!target) return noCrashPoints;
  return (name) => {
    if (name === target) kill();
  };
}
