import type { ErrorCode } from '../../shared/contract';
import { codeOf, GENERIC_REASON, type Reason, type ReasonParams } from '../../shared/reasons';

export interface RefusalOptions {
  params?: ReasonParams;
  /** The request field it is about (shown at that field). */
  field?: string;
  /** English for logs and developers (defaults to the reason code). */
  message?: string;
}

/**
 * The one error type services throw on purpose. It speaks in codes: `reason` (shared/reasons.ts) is
 * what the renderer words in the customer's language, with `params`; `code` is the kind of refusal.
 *
 *   throw AppError.because('amount_over_remaining', { params: { remaining, currency }, field: 'amount' });
 *
 * The older `new AppError(code, englishMessage, field)` form is still read (it reports the code's
 * generic reason and its message) while services move to reasons.
 */
export class AppError extends Error {
  readonly reason: Reason;
  readonly params: ReasonParams | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    reason?: Reason,
    params?: ReasonParams,
  ) {
    super(message);
    this.name = 'AppError';
    this.reason = reason ?? GENERIC_REASON[code];
    this.params = params;
  }

  static because(reason: Reason, opts: RefusalOptions = {}): AppError {
    return new AppError(codeOf(reason), opts.message ?? reason, opts.field, reason, opts.params);
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} was not found.`);
