import type { ErrorCode } from '../../../electron/shared/contract';
import { isGenericReason, MONEY_PARAMS, type Reason, type ReasonParams } from '../../../electron/shared/reasons';
import type { ApiError } from '../api/portal';
import { useI18n, type MessageKey } from '../i18n';
import { reasonsEn } from '../i18n/reasons-en';
import { reasonsEs } from '../i18n/reasons-es';
import type { Locale } from '../i18n/locales';

const REASON_WORDS: Record<Locale, Record<Reason, string>> = { en: reasonsEn, es: reasonsEs };

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
 * Turns an ApiError into words for the current locale. Main sends a reason code with params
 * (shared/reasons.ts); its words are in i18n/reasons-<locale>.ts, money params formatted here.
 * An error with only a generic reason (an older service, or a schema refusal) shows, in English,
 * main's message when it is meant for people, else the given message key or the code's words.
 */
export function useErrorText() {
  const { t, locale, formatMoney } = useI18n();

  function reasonText(reason: Reason, params: ReasonParams): string {
    const currency = typeof params['currency'] === 'string' ? params['currency'] : 'usd';
    return REASON_WORDS[locale.value][reason].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return MONEY_PARAMS.has(name) && typeof value === 'number' ? formatMoney(value, currency) : String(value);
    });
  }

  function errorText(error: ApiError, fallback?: MessageKey): string {
    if (error.reason in REASON_WORDS.en && !isGenericReason(error.reason)) return reasonText(error.reason, error.params);
    if (locale.value === 'en' && HUMAN_CODES.has(error.code) && error.message.trim()) {
      // Main prefixes schema messages with the field path ("address.postalCode: enter …"); the
      // message is shown at that field, so the path is dropped.
      const prefix = error.field ? `${error.field}: ` : '';
      const message = prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
      return sentence(message);
    }
    const key = fallback ?? CODE_KEYS[error.code];
    return key ? t(key) : error.reason in REASON_WORDS.en ? reasonText(error.reason, error.params) : t('error.generic');
  }

  return { errorText, reasonText };
}
