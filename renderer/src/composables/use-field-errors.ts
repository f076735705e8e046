import { reactive } from 'vue';
import { ApiError } from '../api/portal';
import { useI18n, type MessageKey, type Params } from '../i18n';
import { useErrorText } from './use-error-text';

/** A message for one field: a local check (i18n key) or main's answer (shown through useErrorText). */
export type FieldError = { key: MessageKey; params?: Params } | ApiError;

/**
 * Field errors kept as data (not text) so they re-translate when the language changes. `fallbacks`
 * names the message for each field when main's own words are not shown (any language but English).
 */
export function useFieldErrors<F extends string>(fallbacks: Record<F, MessageKey>) {
  const { t } = useI18n();
  const { errorText } = useErrorText();
  const errors = reactive<Partial<Record<F, FieldError>>>({}) as Partial<Record<F, FieldError>>;

  function set(field: F, error: FieldError): void {
    errors[field] = error;
  }

  function remove(field: F): void {
    delete errors[field];
  }

  function clear(): void {
    for (const key of Object.keys(errors) as F[]) delete errors[key];
  }

  function text(field: F): string {
    const error = errors[field];
    if (!error) return '';
    if (error instanceof ApiError) return errorText(error, fallbacks[field]);
    return t(error.key, error.params);
  }

  function has(field: F): boolean {
    return errors[field] !== undefined;
  }

  return { errors, set, remove, clear, text, has };
}
