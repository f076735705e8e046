import { computed } from 'vue';
import { formatMoney as formatMoneyShared } from '../../../electron/shared/money';
import { useAppStore } from '../stores/app';
import { en, type MessageKey, type Messages } from './en';
import { es } from './es';
import { INTL_TAGS, type Locale } from './locales';

export type { MessageKey, Messages } from './en';
export { LOCALES, DEFAULT_LOCALE, isLocale, type Locale } from './locales';

export const messages: Record<Locale, Messages> = { en, es };

export type Params = Record<string, string | number>;

/** Pure translation, usable outside components (router titles, tests). */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = messages[locale][key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/**
 * The i18n composable: `t` for strings, and Intl-based formatters for the current locale.
 * Locale lives in the app store so every screen (and the idle reset) sees the same value.
 */
export function useI18n() {
  const app = useAppStore();
  const locale = computed<Locale>(() => app.locale);
  const tag = computed(() => INTL_TAGS[app.locale]);

  function t(key: MessageKey, params?: Params): string {
    return translate(app.locale, key, params);
  }

  /** Unix seconds → "Jan 5, 2026" / "5 ene 2026". */
  function formatDate(unixSeconds: number): string {
    return new Intl.DateTimeFormat(tag.value, { dateStyle: 'medium' }).format(new Date(unixSeconds * 1000));
  }

  /** Unix seconds → "10:42 AM" / "10:42 a.m.". */
  function formatTime(unixSeconds: number): string {
    return new Intl.DateTimeFormat(tag.value, { timeStyle: 'short' }).format(new Date(unixSeconds * 1000));
  }

  function formatMoney(amountMinor: number, currency: string): string {
    return formatMoneyShared(amountMinor, currency, tag.value);
  }

  function formatNumber(value: number): string {
    return new Intl.NumberFormat(tag.value).format(value);
  }

  return { t, locale, formatDate, formatTime, formatMoney, formatNumber };
}
