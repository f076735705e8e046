import type { ErrorCode } from '../../shared/contract';

/** The one error type services throw on purpose. Its message is safe to show to the person at the screen. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} was not found.`);
