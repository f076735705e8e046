import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection';
import { AppError } from '../errors';
import { customerFromRow, invoiceFromRow } from '../local-store/local-store';
import {
  ADDRESS_STOPWORDS,
  FIELD_PREFIX_MAX,
  PAIR_PREFIX_MAX,
  TERM_KIND,
  TOKEN_PREFIX_MAX,
  headChars,
  normalizeEmail,
  normalizeInvoiceNumber,
  pairTerm,
  reverse,
  splitNorm,
  tokenize,
  type TermKind,
} from '../local-store/search-terms';
import type { CustomerHit, CustomerMatch, InvoiceHit, LookupResult, SearchOptions } from './types';

export const MAX_QUERY_LENGTH = 200;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 50;
/**
 * A term with at most this many postings is read whole and ranked in memory (complete and exact);
 * above it, the search walks the postings in rank order and stops at the limit.
 */
const SMALL_SET = 1000;
const MAX_QUERY_TOKENS = 8;
/** The most postings a multi-word search walks when every word is common. */
const WALK_LIMIT = 2000;
const TOP = '\u{10FFFF}';

interface Candidate {
  rid: number;
  exact: 0 | 1;
  /** How many typed words equal a whole word (multi-word searches). */
  exactCount: number;
  sortKey: number;
  matchedOn: CustomerMatch;
}

/** Exact before prefix, more exact words first, then most recent activity, then newest row. */
function compare(a: { exact: number; exactCount: number; sortKey: number; rid: number }, b: typeof a): number {
  return b.exact - a.exact || b.exactCount - a.exactCount || b.sortKey - a.sortKey || b.rid - a.rid;
}

const isAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);
const charLength = (s: string) => (isAscii(s) ? s.length : Array.from(s).length);

/**
 * Assigns each typed word to a different word of the value it must be a prefix of ("mar mar" needs
 * two words starting with "mar"). Returns how many typed words equal their word, or -1 if impossible.
 */
function matchWords(query: readonly string[], words: readonly string[]): number {
  const used = new Array<boolean>(words.length).fill(false);
  let best = -1;
  const go = (i: number, exact: number): void => {
    if (i === query.length) {
      best = Math.max(best, exact);
      return;
    }
    const q = query[i]!;
    for (let j = 0; j < words.length; j++) {
      if (used[j] || !words[j]!.startsWith(q)) continue;
      used[j] = true;
      go(i + 1, exact + (words[j] === q ? 1 : 0));
      used[j] = false;
      if (best === query.length) return;
    }
  };
  go(0, 0);
  return best;
}

type NormColumn = 'name_norm' | 'addr_norm';
type FieldColumn = 'email_norm' | 'phone_norm';

/**
 * Staff look-up over the local copy: names (type-ahead prefixes of any words, any order), email
 * prefix, phone digits (prefix or last four and more, any formatting), invoice number prefix, and
 * address (street, city, zip prefixes). Reads only; the index is kept by LocalStore.
 */
export class LookupService {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  search(query: string, opts: SearchOptions = {}): LookupResult {
    if (typeof query !== 'string') throw AppError.because('invalid_input', { field: 'query' });
    if (query.length > MAX_QUERY_LENGTH) {
      throw AppError.because('search_too_long', { field: 'query' });
    }
    const raw = opts.limit;
    const limit = typeof raw === 'number' && Number.isFinite(raw) ? Math.min(MAX_LIMIT, Math.max(1, Math.floor(raw))) : DEFAULT_LIMIT;
    const text = query.trim();
    if (text === '') return { customers: [], invoices: [] };

    const read = this.db.transaction(() => ({
      customers: this.searchCustomers(text, limit),
      invoices: this.searchInvoices(text, limit),
    }));
    return read();
  }

  // -------------------------------------------------------------------------------------------
  // Customers.

  private searchCustomers(text: string, limit: number): CustomerHit[] {
    const lists: Candidate[][] = [];
    const tokens = tokenize(text).slice(0, MAX_QUERY_TOKENS);
    const oneWord = !/\s/.test(text);
    // "@" means an email address: its words are not names.
    if (tokens.length > 0 && !text.includes('@')) {
      lists.push(this.tokenSearch(TERM_KIND.name, 'name_norm', tokens, limit, 'name'));
      lists.push(this.tokenSearch(TERM_KIND.address, 'addr_norm', tokens, limit, 'address'));
    }
    if (oneWord) {
      const email = normalizeEmail(text);
      if (email) lists.push(this.fieldSearch(TERM_KIND.email, 'email_norm', email, limit, 'email'));
    }
    if (/^[\d\s()+.\-]+$/.test(text)) {
      let digits = text.replace(/\D/g, '');
      if ((digits.length === 11 && digits.startsWith('1')) || /^\+1\D/.test(text)) digits = digits.slice(1);
      if (digits.length >= 3) lists.push(this.fieldSearch(TERM_KIND.phone, 'phone_norm', digits, limit, 'phone'));
      if (digits.length >= 4) lists.push(this.phoneSuffixSearch(digits, limit));
    }

    const best = new Map<number, Candidate>();
    for (const list of lists) {
      for (const c of list) {
        const seen = best.get(c.rid);
        if (!seen || compare(c, seen) < 0) best.set(c.rid, c);
      }
    }
    const top = [...best.values()].sort(compare).slice(0, limit);
    const byRid = this.stmt('SELECT * FROM ls_customers WHERE rid = ?');
    return top.map((c) => {
      const row = byRid.get(c.rid) as Parameters<typeof customerFromRow>[0] & { activity: number };
      return {
        ...customerFromRow(row),
        matchedOn: c.matchedOn,
        exact: c.exact === 1,
        lastActivityAt: row.activity > 0 ? row.activity : null,
      };
    });
  }

  /** How many postings a term has, counting no further than `cap`. */
  private countTerm(kind: TermKind, term: string, cap = SMALL_SET + 1): number {
    const r = this.stmt('SELECT count(*) AS n FROM (SELECT 1 FROM ls_terms WHERE kind = ? AND term = ? LIMIT ?)').get(kind, term, cap) as {
      n: number;
    };
    return r.n;
  }

  /** Words (names, addresses): every typed word must start some word of the value, in any order. */
  private tokenSearch(kind: TermKind, column: NormColumn, tokens: string[], limit: number, matchedOn: CustomerMatch): Candidate[] {
    const drivable = kind === TERM_KIND.address ? tokens.filter((t) => !ADDRESS_STOPWORDS.has(t)) : tokens;
    if (drivable.length === 0) return [];

    if (tokens.length === 1 && charLength(tokens[0]!) <= TOKEN_PREFIX_MAX) {
      const rows = this.stmt(
        `SELECT rid, exact, sort_key AS sortKey FROM ls_terms WHERE kind = ? AND term = ?
         ORDER BY exact DESC, sort_key DESC, rid DESC LIMIT ?`,
      ).all(kind, tokens[0], limit) as { rid: number; exact: 0 | 1; sortKey: number }[];
      return rows.map((r) => ({ ...r, exactCount: r.exact, matchedOn }));
    }

    // Possible drivers: each word's term, and for names each pair of words' pair term. The one with
    // the fewest postings is walked; typed words it does not fully cover are checked on the stored words.
    interface Probe {
      kind: TermKind;
      key: string;
      covers: string[];
      count: number;
    }
    const probes: Probe[] = drivable.map((t) => {
      const key = headChars(t, TOKEN_PREFIX_MAX);
      return { kind, key, covers: key === t ? [t] : [], count: 0 };
    });
    if (kind === TERM_KIND.name) {
      const few = tokens.slice(0, 4);
      for (let i = 0; i < few.length; i++)
        for (let j = i + 1; j < few.length; j++) {
          const a = headChars(few[i]!, PAIR_PREFIX_MAX);
          const b = headChars(few[j]!, PAIR_PREFIX_MAX);
          const covers = [a === few[i] ? a : null, b === few[j] ? b : null].filter((x): x is string => x !== null);
          probes.push({ kind: TERM_KIND.namePair, key: pairTerm(a, b), covers, count: 0 });
        }
    }
    for (const p of probes) {
      p.count = this.countTerm(p.kind, p.key);
      if (p.count === 0) return [];
    }
    // Several over the small-set size: count those further so the rarest really drives.
    const big = probes.filter((p) => p.count > SMALL_SET);
    if (big.length === probes.length && big.length > 1) for (const p of big) p.count = this.countTerm(p.kind, p.key, SMALL_SET * 16);
    probes.sort((a, b) => a.count - b.count || b.covers.length - a.covers.length || b.key.length - a.key.length);
    const driver = probes[0]!;

    const filters = [...tokens];
    for (const c of driver.covers) filters.splice(filters.indexOf(c), 1);
    const where = filters.map(() => `AND instr(c.${column}, ?) > 0`).join(' ');
    const base = `SELECT t.rid AS rid, t.sort_key AS sortKey, c.${column} AS norm
      FROM ls_terms t CROSS JOIN ls_customers c ON c.rid = t.rid
      WHERE t.kind = ? AND t.term = ? ${where}`;
    const params = [driver.kind, driver.key, ...filters.map((f) => ` ${f}`)];
    const rank = (rows: { rid: number; sortKey: number; norm: string }[]): Candidate[] => {
      const out: Candidate[] = [];
      for (const r of rows) {
        const exactCount = matchWords(tokens, splitNorm(r.norm));
        if (exactCount < 0) continue;
        const exact: 0 | 1 = exactCount === tokens.length ? 1 : 0;
        out.push({ rid: r.rid, sortKey: r.sortKey, exact, exactCount, matchedOn });
      }
      return out.sort(compare);
    };

    if (driver.count <= SMALL_SET) {
      return rank(this.stmt(base).all(...params) as { rid: number; sortKey: number; norm: string }[]).slice(0, limit);
    }
    // Every candidate list is long: walk the driver's postings best-first (exact, then most recent),
    // reading at most WALK_LIMIT of them, and re-rank twice the limit on all words. Only a rare
    // combination of common words (fewer matches than the limit within the first WALK_LIMIT
    // postings) can come back short; what it returns is still the most recent.
    const walked = `SELECT t.rid AS rid, t.sort_key AS sortKey, c.${column} AS norm
      FROM (SELECT rid, exact, sort_key FROM ls_terms WHERE kind = ? AND term = ?
            ORDER BY exact DESC, sort_key DESC, rid DESC LIMIT ${WALK_LIMIT}) t
      CROSS JOIN ls_customers c ON c.rid = t.rid
      WHERE 1 ${where}
      ORDER BY t.exact DESC, t.sort_key DESC, t.rid DESC LIMIT ?`;
    const rows = this.stmt(walked).all(...params, limit * 2) as { rid: number; sortKey: number; norm: string }[];
    return rank(rows).slice(0, limit);
  }

  /** Whole-value prefix (email, phone digits): short prefixes from ls_terms, longer ones from the column index. */
  private fieldSearch(kind: TermKind, column: FieldColumn, q: string, limit: number, matchedOn: CustomerMatch): Candidate[] {
    const qLen = charLength(q);
    if (qLen <= FIELD_PREFIX_MAX) {
      const rows = this.stmt(
        `SELECT rid, exact, sort_key AS sortKey FROM ls_terms WHERE kind = ? AND term = ?
         ORDER BY exact DESC, sort_key DESC, rid DESC LIMIT ?`,
      ).all(kind, q, limit) as { rid: number; exact: 0 | 1; sortKey: number }[];
      return rows.map((r) => ({ ...r, exactCount: r.exact, matchedOn }));
    }
    const hi = q + TOP;
    const n = (
      this.stmt(`SELECT count(*) AS n FROM (SELECT 1 FROM ls_customers WHERE ${column} >= ? AND ${column} < ? LIMIT ?)`).get(
        q,
        hi,
        SMALL_SET + 1,
      ) as { n: number }
    ).n;
    if (n <= SMALL_SET) {
      const rows = this.stmt(`SELECT rid, ${column} AS v, activity FROM ls_customers WHERE ${column} >= ? AND ${column} < ?`).all(
        q,
        hi,
      ) as { rid: number; v: string; activity: number }[];
      return rows
        .map((r): Candidate => {
          const exact: 0 | 1 = r.v === q ? 1 : 0;
          return { rid: r.rid, exact, exactCount: exact, sortKey: r.activity, matchedOn };
        })
        .sort(compare)
        .slice(0, limit);
    }
    // Many values share this prefix: exact ones from the column index, then the 4-character term's
    // postings (already in recency order) filtered to the longer prefix.
    const exactRows = this.stmt(
      `SELECT rid, activity AS sortKey FROM ls_customers WHERE ${column} = ? ORDER BY activity DESC, rid DESC LIMIT ?`,
    ).all(q, limit) as { rid: number; sortKey: number }[];
    const prefixRows = this.stmt(
      `SELECT t.rid AS rid, t.sort_key AS sortKey FROM ls_terms t CROSS JOIN ls_customers c ON c.rid = t.rid
       WHERE t.kind = ? AND t.term = ? AND t.exact = 0 AND substr(c.${column}, 1, ?) = ? AND c.${column} <> ?
       ORDER BY t.sort_key DESC, t.rid DESC LIMIT ?`,
    ).all(kind, headChars(q, FIELD_PREFIX_MAX), qLen, q, q, limit) as { rid: number; sortKey: number }[];
    return [
      ...exactRows.map((r): Candidate => ({ ...r, exact: 1, exactCount: 1, matchedOn })),
      ...prefixRows.map((r): Candidate => ({ ...r, exact: 0, exactCount: 0, matchedOn })),
    ].slice(0, limit);
  }

  /** The last four or more digits of a phone number. */
  private phoneSuffixSearch(digits: string, limit: number): Candidate[] {
    const rev = reverse(digits);
    const rows = this.stmt(`SELECT rid, phone_norm AS v, activity FROM ls_customers WHERE phone_rev >= ? AND phone_rev < ? LIMIT ?`).all(
      rev,
      rev + TOP,
      SMALL_SET,
    ) as { rid: number; v: string; activity: number }[];
    return rows
      .map((r): Candidate => {
        const exact: 0 | 1 = r.v === digits ? 1 : 0;
        return { rid: r.rid, exact, exactCount: exact, sortKey: r.activity, matchedOn: 'phone' };
      })
      .sort(compare)
      .slice(0, limit);
  }

  // -------------------------------------------------------------------------------------------
  // Invoices.

  private searchInvoices(text: string, limit: number): InvoiceHit[] {
    if (/\s/.test(text)) return [];
    const q = normalizeInvoiceNumber(text.replace(/^#/, ''));
    if (!q) return [];
    const hi = q + TOP;
    const n = (
      this.stmt('SELECT count(*) AS n FROM (SELECT 1 FROM ls_invoices WHERE number_norm >= ? AND number_norm < ? LIMIT ?)').get(
        q,
        hi,
        SMALL_SET + 1,
      ) as { n: number }
    ).n;
    let picked: { rid: number; exact: boolean }[];
    if (n <= SMALL_SET) {
      const rows = this.stmt(
        'SELECT rid, number_norm AS v, issued_at AS at FROM ls_invoices WHERE number_norm >= ? AND number_norm < ?',
      ).all(q, hi) as { rid: number; v: string; at: number }[];
      picked = rows
        .map((r) => ({ rid: r.rid, exact: r.v === q, at: r.at }))
        .sort((a, b) => Number(b.exact) - Number(a.exact) || b.at - a.at || b.rid - a.rid)
        .slice(0, limit);
    } else {
      // A short prefix of very many numbers: exact first, then the highest numbers (the newest, for sequential numbering).
      const exact = this.stmt('SELECT rid FROM ls_invoices WHERE number_norm = ? ORDER BY issued_at DESC, rid DESC LIMIT ?').all(
        q,
        limit,
      ) as { rid: number }[];
      const rest = this.stmt(
        'SELECT rid FROM ls_invoices WHERE number_norm > ? AND number_norm < ? ORDER BY number_norm DESC, issued_at DESC, rid DESC LIMIT ?',
      ).all(q, hi, limit) as { rid: number }[];
      picked = [...exact.map((r) => ({ rid: r.rid, exact: true })), ...rest.map((r) => ({ rid: r.rid, exact: false }))].slice(0, limit);
    }
    const byRid = this.stmt(
      `SELECT i.id, i.customer_id, i.number, i.status, i.currency, i.total, i.amount_due, i.amount_paid,
              i.amount_remaining, i.issued_at, i.due_at, c.name AS customer_name
       FROM ls_invoices i LEFT JOIN ls_customers c ON c.id = i.customer_id WHERE i.rid = ?`,
    );
    return picked.map((p) => {
      const row = byRid.get(p.rid) as Parameters<typeof invoiceFromRow>[0] & { customer_name: string | null };
      const inv = invoiceFromRow(row);
      return {
        id: inv.id,
        number: inv.number,
        customerId: inv.customerId,
        customerName: row.customer_name,
        status: inv.status,
        currency: inv.currency,
        total: inv.total,
        amountRemaining: inv.amountRemaining,
        issuedAt: inv.issuedAt,
        exact: p.exact,
      };
    });
  }
}
