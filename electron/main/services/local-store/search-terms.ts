/**
 * Normalization and search-term generation shared by the writer (LocalStore) and the reader
 * (LookupService). Both sides must fold text the same way, so it lives in one place. Changing
 * anything here changes what is in ls_terms: ship a migration that rebuilds the index with it.
 */

export const TERM_KIND = { name: 1, address: 2, email: 3, phone: 4, namePair: 5 } as const;
export type TermKind = (typeof TERM_KIND)[keyof typeof TERM_KIND];

/** Name and address tokens: every prefix up to this many characters is a term. */
export const TOKEN_PREFIX_MAX = 10;
/**
 * Name pairs: for two different words of a name, every unordered pair of their 1..3-character
 * prefixes is a term "a|b" (a <= b). Two common typed prefixes ("ja ed") then read one short list
 * instead of intersecting two long ones.
 */
export const PAIR_PREFIX_MAX = 3;

export function pairTerm(a: string, b: string): string {
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}

/** Email and phone: prefixes of the whole value up to this length are terms; longer ones use a column index. */
export const FIELD_PREFIX_MAX = 4;

/** Street-type words and directions: too common to drive a search; still checked as filters. */
export const ADDRESS_STOPWORDS: ReadonlySet<string> = new Set([
  'st',
  'street',
  'ave',
  'av',
  'avenue',
  'rd',
  'road',
  'dr',
  'drive',
  'ln',
  'lane',
  'blvd',
  'boulevard',
  'ct',
  'court',
  'pl',
  'place',
  'way',
  'ter',
  'terrace',
  'cir',
  'circle',
  'pkwy',
  'parkway',
  'hwy',
  'highway',
  'apt',
  'unit',
  'ste',
  'suite',
  'n',
  's',
  'e',
  'w',
  'ne',
  'nw',
  'se',
  'sw',
]);

const MARKS = /\p{M}+/gu;
const APOSTROPHES = /['’‘`´]/g;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** Lower case, accents removed ("Núñez" -> "nunez"), apostrophes dropped ("O'Brien" -> "obrien"). */
export function fold(text: string): string {
  const simple = /^[\x00-\x7f]*$/.test(text);
  const base = simple ? text.toLowerCase() : text.normalize('NFKD').replace(MARKS, '').toLowerCase();
  return base.replace(APOSTROPHES, '');
}

/** Words of a text: folded, split on anything that is not a letter or digit. */
export function tokenize(text: string | null | undefined): string[] {
  if (!text) return [];
  return fold(text)
    .replace(NON_WORD, ' ')
    .split(' ')
    .filter((t) => t !== '');
}

/** Tokens stored as " a b c " so `instr(norm, ' ' || prefix)` tests "some token starts with prefix". */
export function joinTokens(tokens: readonly string[]): string {
  return tokens.length === 0 ? '' : ` ${tokens.join(' ')} `;
}

export function splitNorm(norm: string): string[] {
  return norm.split(' ').filter((t) => t !== '');
}

export function normalizeEmail(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase() ?? '';
  return e === '' ? null : e;
}

/** Digits only; a North American number's leading country code 1 is dropped (area codes never start with 1). */
export function normalizePhone(phone: string | null | undefined): string | null {
  let d = (phone ?? '').replace(/\D/g, '');
  if (d.length === 11 && d.startsWith('1')) d = d.slice(1);
  return d === '' ? null : d;
}

export function reverse(text: string): string {
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) out += text[i];
  return out;
}

/** Invoice numbers compare case-insensitively and without spaces. */
export function normalizeInvoiceNumber(number: string | null | undefined): string | null {
  const n = (number ?? '').replace(/\s+/g, '').toUpperCase();
  return n === '' ? null : n;
}

/** The first `n` characters (code points, not UTF-16 units). */
export function headChars(text: string, n: number): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text.slice(0, n);
  return Array.from(text).slice(0, n).join('');
}

function charLength(text: string): number {
  return /^[\x00-\x7f]*$/.test(text) ? text.length : Array.from(text).length;
}

export interface CustomerNorms {
  nameNorm: string;
  addrNorm: string;
  emailNorm: string | null;
  phoneNorm: string | null;
}

/** A term row without its sort key and rid: [kind, term, exact]. */
export type Term = readonly [TermKind, string, 0 | 1];

function addTokenPrefixes(out: Map<string, 0 | 1>, token: string): void {
  const len = charLength(token);
  const max = Math.min(len, TOKEN_PREFIX_MAX);
  for (let i = 1; i <= max; i++) {
    const p = headChars(token, i);
    const exact: 0 | 1 = i === len ? 1 : 0;
    if (exact === 1 || !out.has(p)) out.set(p, exact);
  }
}

/** Every search term for one customer, each (kind, term) once, exact=1 when some whole token equals it. */
export function customerTerms(n: CustomerNorms): Term[] {
  const terms: Term[] = [];
  const names = new Map<string, 0 | 1>();
  for (const t of splitNorm(n.nameNorm)) addTokenPrefixes(names, t);
  for (const [p, e] of names) terms.push([TERM_KIND.name, p, e]);
  const words = splitNorm(n.nameNorm);
  if (words.length > 1) {
    const pairs = new Set<string>();
    const heads = words.map((w) => {
      const out: string[] = [];
      for (let i = 1; i <= Math.min(charLength(w), PAIR_PREFIX_MAX); i++) out.push(headChars(w, i));
      return out;
    });
    for (let i = 0; i < heads.length; i++)
      for (let j = i + 1; j < heads.length; j++) for (const a of heads[i]!) for (const b of heads[j]!) pairs.add(pairTerm(a, b));
    for (const p of pairs) terms.push([TERM_KIND.namePair, p, 0]);
  }
  const addr = new Map<string, 0 | 1>();
  for (const t of splitNorm(n.addrNorm)) if (!ADDRESS_STOPWORDS.has(t)) addTokenPrefixes(addr, t);
  for (const [p, e] of addr) terms.push([TERM_KIND.address, p, e]);
  for (const [kind, value] of [
    [TERM_KIND.email, n.emailNorm],
    [TERM_KIND.phone, n.phoneNorm],
  ] as const) {
    if (!value) continue;
    const len = charLength(value);
    for (let i = 1; i <= Math.min(len, FIELD_PREFIX_MAX); i++) terms.push([kind, headChars(value, i), i === len ? 1 : 0]);
  }
  return terms;
}
