import type { z } from 'zod';
import { channelToEntry, contract, type Contract, type EntryName, type PortalError, type Result } from '../../shared/contract';
import type { CallerSession, SessionRegistry } from '../services/session/session-registry';
import { AppError } from '../services/errors';
import { GatewayError } from '../stripe/errors';
import type { Logger } from '../services/logger';

export interface CallContext {
  callerId: string;
  session: CallerSession;
}

export type Handler<K extends EntryName> = (
  request: z.output<Contract[K]['request']>,
  ctx: CallContext,
) => Promise<z.input<Contract[K]['response']>>;

/** Every contract entry must have a handler: a missing one is a type error. */
export type Handlers = { [K in EntryName]: Handler<K> };

/**
 * The one path every call takes, whatever the transport (Electron IPC or the preview's HTTP):
 * known channel → parse input → role check → handler → parse output → result envelope.
 * Transports check the sender's origin before they call `dispatch`.
 */
export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly sessions: SessionRegistry,
    private readonly log: Logger,
  ) {}

  async dispatch(callerId: string, channel: unknown, input: unknown): Promise<Result<unknown>> {
    const name = typeof channel === 'string' ? channelToEntry.get(channel) : undefined;
    if (!name) return fail({ code: 'unknown_channel', reason: 'unknown_request', message: 'That request is not part of this app.' });
    const def = contract[name];
    const parsed = def.request.safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') || undefined;
      return fail({
        code: 'invalid_request',
        reason: 'invalid_input',
        message: issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'The request was not valid.',
        ...(field ? { field } : {}),
      });
    }
    const session = this.sessions.get(callerId);
    if (!def.roles.includes(session.role)) {
      return fail(
        session.role === 'public'
          ? { code: 'unauthenticated', reason: 'sign_in_required', message: 'Please sign in first.' }
          : { code: 'forbidden', reason: 'not_allowed', message: 'That is not available from this screen.' },
      );
    }
    try {
      const handler = this.handlers[name] as (req: unknown, ctx: CallContext) => Promise<unknown>;
      const value = await handler(parsed.data, { callerId, session });
      return { ok: true, value: def.response.parse(value) };
    } catch (err) {
      return fail(this.toPortalError(name, err));
    }
  }

  private toPortalError(name: EntryName, err: unknown): PortalError {
    if (err instanceof AppError) {
      return {
        code: err.code,
        reason: err.reason,
        message: err.message,
        ...(err.params ? { params: err.params } : {}),
        ...(err.field ? { field: err.field } : {}),
      };
    }
    if (err instanceof GatewayError) {
      this.log.warn(`stripe call failed in ${name}`, { kind: err.kind, code: err.details.code, requestId: err.details.requestId });
      if (err.kind === 'unavailable' || err.kind === 'rate_limit') {
        return { code: 'stripe_unavailable', reason: 'stripe_unreachable', message: 'The payment service cannot be reached right now.' };
      }
      if (err.kind === 'not_found') return { code: 'not_found', reason: 'not_found', message: 'That record was not found.' };
      return { code: 'stripe_error', reason: 'stripe_refused', message: 'The payment service refused the request.' };
    }
    // Whatever failed here may have failed after money moved: the words never say nothing was charged.
    this.log.error(`handler ${name} failed`, { error: err instanceof Error ? err.message : String(err) });
    return { code: 'internal', reason: 'internal_error', message: 'Something went wrong on our side.' };
  }
}

const fail = (error: PortalError): Result<never> => ({ ok: false, error });
