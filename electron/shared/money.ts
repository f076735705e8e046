import { z } from 'zod';

/** Money is integer minor units (cents) with its currency. Formatting happens only at the edge. */
export const MAX_AMOUNT_MINOR = 99_999_999; // Stripe's limit for USD: $999,999.99

export const currencySchema = z.string().regex(/^[a-z]{3}$/, 'currency must be a three-letter ISO code in lower case');

export const minorAmountSchema = z
  .number({ error: 'amount must be a number of cents' })
  .int('amount must be a whole number of cents')
  .min(0, 'amount cannot be negative')
  .max(MAX_AMOUNT_MINOR, 'amount is too large');

export const positiveMinorAmountSchema = minorAmountSchema.refine((n) => n > 0, 'amount must be more than zero');

export const moneySchema = z.object({ amount: minorAmountSchema, currency: currencySchema });
export type Money = z.infer<typeof moneySchema>;

export type ParsedAmount =
  { ok: true; minor: number } | { ok: false; reason: 'empty' | 'format' | 'decimals' | 'zero' | 'negative' | 'too_large' };

/**
 * Parses what a person typed ("12", "12.5", "1,234.56", "$12.50") into minor units without floating point.
 * More than two decimals, negatives, zero and non-numbers are refused with a reason the UI can show.
 */
export function parseAmountInput(text: string): ParsedAmount {
  const trimmed = text.trim().replace(/^\$/, '').replace(/,/g, '');
  if (trimmed === '') return { ok: false, reason: 'empty' };
  if (/^-/.test(trimmed)) return { ok: false, reason: 'negative' };
  const m = /^(\d{1,9})(?:\.(\d*))?$/.exec(trimmed) ?? /^()\.(\d+)$/.exec(trimmed);
  if (!m) return { ok: false, reason: 'format' };
  const whole = m[1] === '' ? '0' : (m[1] ?? '0');
  const frac = m[2] ?? '';
  if (frac.length > 2) return { ok: false, reason: 'decimals' };
  const minor = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (minor === 0) return { ok: false, reason: 'zero' };
  if (minor > MAX_AMOUNT_MINOR) return { ok: false, reason: 'too_large' };
  return { ok: true, minor };
}

/** Minor units as an amount field's starting text ("1234" → "12.34"): what parseAmountInput reads back. */
export function amountInputText(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** Formats minor units for people. The only place money becomes text. */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  const upper = currency.toUpperCase();
  const digits = new Intl.NumberFormat(locale, { style: 'currency', currency: upper }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: upper }).format(amount / 10 ** digits);
}
