import { AppError } from '../errors';

/**
 * Card-number guard for everything stored about payment methods. A run of 13-19 digits (spaces or
 * dashes allowed between them) looks like a primary account number: it is never written.
 */
const PAN_LIKE = /\d(?:[ -]*\d){12,18}/g;

export function looksLikeCardNumber(text: string): boolean {
  PAN_LIKE.lastIndex = 0;
  return PAN_LIKE.test(text);
}

/** Free text (brand, bank name, station...) with anything card-number-like removed; bounded length. */
export function safeText(value: string | null | undefined, max = 60): string | null {
  if (value === null || value === undefined) return null;
  const cleaned = String(value).replace(PAN_LIKE, '').trim().slice(0, max);
  return cleaned === '' ? null : cleaned;
}

/** Exactly four digits, or null. Given a longer digit string (a card number in the wrong field) keeps only the last four. */
export function safeLast4(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const digits = String(value).replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

/** Ids are stored as given, so one that could be a card number (or is not an id at all) is refused. */
export function checkId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(value) || looksLikeCardNumber(value)) {
    throw new AppError('invalid_request', `${what} is not a valid id.`);
  }
  return value;
}

export function checkOptionalId(value: unknown, what: string): string | null {
  return value === null || value === undefined ? null : checkId(value, what);
}
