import type { ErrorCode } from '../../../electron/shared/contract';
import type { ApiError } from '../api/portal';
import { useI18n, type MessageKey } from '../i18n';

/** Codes whose message from main is meant for people (not a technical detail). */
const HUMAN_CODES: ReadonlySet<ErrorCode> = new Set([
  'unauthenticated',
  'invalid_request',
  'locked',
  'not_found',
  'payment_failed',
  'conflict',
]);

const CODE_KEYS: Partial<Record<ErrorCode, MessageKey>> = {
  unauthenticated: 'signIn.error.unauthenticated',
  locked: 'signIn.error.locked',
  forbidden: 'error.forbidden',
  not_found: 'error.notFound',
  stripe_unavailable: 'error.unavailable',
  conflict: 'error.conflict',
};

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/**
 * Turns an ApiError into text for the current locale. Main's messages are English, so they are shown
 * as-is in English (they are the most specific); in any other locale, and for technical codes, the
 * translated message for the code (or the given fallback) is shown instead.
 */
export function useErrorText() {
  const { t, locale } = useI18n();

  function errorText(error: ApiError, fallback?: MessageKey): string {
    if (locale.value === 'en' && HUMAN_CODES.has(error.code) && error.message.trim()) {
      // Main prefixes schema messages with the field path ("address.postalCode: enter …"); the
      // message is shown at that field, so the path is dropped.
      const prefix = error.field ? `${error.field}: ` : '';
      const message = prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
      return sentence(message);
    }
    const key = fallback ?? CODE_KEYS[error.code] ?? 'error.generic';
    return t(key);
  }

  return { errorText };
}
