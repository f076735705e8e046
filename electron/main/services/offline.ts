import { GatewayError } from '../stripe/errors';

/**
 * Reads Stripe when it answers; when it cannot be reached, reads the local copy instead. Writes
 * never go through here: what may wait goes to the outbox, the rest needs the line.
 */
export async function onlineOr<T>(online: () => Promise<T>, offline: () => T | null): Promise<{ value: T; fromLocalCopy: boolean }> {
  try {
    return { value: await online(), fromLocalCopy: false };
  } catch (err) {
    if (!(err instanceof GatewayError) || !err.retryable) throw err;
    const local = offline();
    if (local === null) throw err;
    return { value: local, fromLocalCopy: true };
  }
}
