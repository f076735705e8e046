import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Customer, Invoice } from '../../electron/shared/contract';
import { openDatabase, type Db } from '../../electron/main/db/connection';
import { appMigrations } from '../../electron/main/db/migrations';
import { AppError } from '../../electron/main/services/errors';
import { LocalStore } from '../../electron/main/services/local-store/local-store';
import { LookupService } from '../../electron/main/services/lookup/lookup-service';
import { tempDir } from '../helpers/temp-dir';

const addr = (line1: string, city: string, postalCode: string) => ({ line1, line2: null, city, state: 'IL', postalCode, country: 'US' });

const CUSTOMERS: Customer[] = [
  {
    id: 'cus_maria',
    name: 'Maria Garcia',
    email: 'maria.garcia@gmail.com',
    phone: '(312) 555-0101',
    address: addr('1234 Maple Ave', 'Springfield', '62704'),
  },
  {
    id: 'cus_mariana',
    name: 'Mariana Garcia Lopez',
    email: 'mgl@yahoo.com',
    phone: '+1 773-555-0199',
    address: addr('88 Oak St', 'Chicago', '60614'),
  },
  {
    id: 'cus_marco',
    name: 'Marco Garza',
    email: 'marco.garza@outlook.com',
    phone: '217.555.4321',
    address: addr('9 Elm Ct', 'Springfield', '62701'),
  },
  {
    id: 'cus_gary',
    name: 'Gary Martin',
    email: 'gmartin@gmail.com',
    phone: '+13125550777',
    address: addr('55 Cedar Rd', 'Peoria', '61602'),
  },
  {
    id: 'cus_john',
    name: 'John Smith',
    email: 'john.smith@example.com',
    phone: '(608) 222-1234',
    address: addr('1 Main St', 'Madison', '53703'),
  },
  { id: 'cus_jon', name: "Jon O'Brien", email: 'jobrien@example.com', phone: null, address: null },
  {
    id: 'cus_nunez',
    name: 'José Núñez',
    email: 'jose.nunez@example.com',
    phone: '608-333-1234',
    address: addr('77 Lake Dr', 'Madison', '53711'),
  },
  { id: 'cus_noname', name: null, email: 'billing@acme.test', phone: null, address: null },
  { id: 'cus_weird', name: '100% _Under "Quote" Star* Tick\'s', email: 'odd%_"*\'@example.com', phone: null, address: null },
];

const inv = (id: string, number: string, customerId: string, issuedAt: number): Invoice => ({
  id,
  number,
  customerId,
  status: 'open',
  currency: 'usd',
  total: 10_000,
  amountDue: 10_000,
  amountPaid: 0,
  amountRemaining: 10_000,
  issuedAt,
  dueAt: null,
});

const INVOICES: Invoice[] = [
  inv('in_001', 'ABCD1234-0001', 'cus_maria', 1_700_000_000),
  inv('in_002', 'ABCD1234-0002', 'cus_maria', 1_700_100_000),
  inv('in_003', 'QRST5678-0001', 'cus_mariana', 1_700_300_000),
  inv('in_004', 'ZZTOP999-0001', 'cus_marco', 1_700_200_000),
  inv('in_005', 'JSMI0001-0001', 'cus_john', 1_690_000_000),
];

let db: Db;
let store: LocalStore;
let lookup: LookupService;
let cleanup: () => void;

beforeEach(() => {
  const t = tempDir();
  db = openDatabase(join(t.dir, 'kiosk.db'), appMigrations);
  cleanup = () => {
    db.close();
    t.cleanup();
  };
  store = new LocalStore(db, { now: () => 1_700_000_000_000 });
  store.upsertCustomers(CUSTOMERS);
  store.upsertInvoices(INVOICES);
  lookup = new LookupService(db);
});
afterEach(() => cleanup());

const ids = (q: string, limit?: number) => lookup.search(q, { limit }).customers.map((c) => c.id);
const numbers = (q: string) => lookup.search(q).invoices.map((i) => i.number);

describe('LookupService', () => {
  it('finds customers by name prefixes, either word, any order, any case', () => {
    expect(ids('mar')).toEqual(expect.arrayContaining(['cus_maria', 'cus_mariana', 'cus_marco', 'cus_gary']));
    expect(ids('mar gar')).toEqual(expect.arrayContaining(['cus_maria', 'cus_mariana', 'cus_marco', 'cus_gary']));
    expect(ids('mar gar')).toHaveLength(4); // Gary Martin: "gar" and "mar" are different words
    expect(new Set(ids('garcia m'))).toEqual(new Set(['cus_maria', 'cus_mariana']));
    expect(ids('GARCIA MARIA')[0]).toBe('cus_maria');
    expect(ids('lopez garcia mariana')).toEqual(['cus_mariana']);
    expect(ids('mar mar')).toEqual([]); // needs two words starting with "mar"
    expect(ids('smith')).toEqual(['cus_john']);
  });

  it('folds accents and apostrophes', () => {
    expect(ids('nunez')).toEqual(['cus_nunez']);
    expect(ids('Núñ')).toEqual(['cus_nunez']);
    expect(ids("o'brien")).toEqual(['cus_jon']);
    expect(ids('obri')).toEqual(['cus_jon']);
  });

  it('ranks exact words before prefixes, then the most recent activity', () => {
    const hits = lookup.search('maria').customers;
    expect(hits[0]).toMatchObject({ id: 'cus_maria', exact: true, matchedOn: 'name' });
    expect(hits[1]).toMatchObject({ id: 'cus_mariana', exact: false });
    // Among prefix matches on "mar": Mariana (invoice 1_700_300_000) before Marco (1_700_200_000) before Maria's 1_700_100_000.
    const mar = ids('mar');
    expect(mar.indexOf('cus_mariana')).toBeLessThan(mar.indexOf('cus_marco'));
    expect(mar.indexOf('cus_marco')).toBeLessThan(mar.indexOf('cus_maria'));
    expect(lookup.search('mariana').customers[0]?.lastActivityAt).toBe(1_700_300_000);
  });

  it('finds customers by email prefix, case-insensitively', () => {
    expect(ids('maria.garcia@')).toEqual(['cus_maria']);
    expect(ids('MARCO.GARZA@OUTLOOK.COM')).toEqual(['cus_marco']);
    expect(lookup.search('marco.garza@outlook.com').customers[0]).toMatchObject({ matchedOn: 'email', exact: true });
    expect(ids('gmar')).toEqual(['cus_gary']);
    expect(ids('billing@')).toEqual(['cus_noname']);
  });

  it('finds customers by phone digits in any formatting: prefix, whole number, or last four and more', () => {
    expect(ids('312-555-0101')).toEqual(['cus_maria']);
    expect(ids('(312) 555 0101')).toEqual(['cus_maria']);
    expect(ids('+1 312 555 0101')).toEqual(['cus_maria']);
    expect(ids('13125550101')).toEqual(['cus_maria']);
    expect(new Set(ids('312'))).toEqual(new Set(['cus_maria', 'cus_gary']));
    expect(ids('7735550')).toEqual(['cus_mariana']);
    expect(ids('0777')).toEqual(['cus_gary']);
    expect(new Set(ids('1234'))).toEqual(new Set(['cus_john', 'cus_nunez', 'cus_maria'])); // two phones end 1234; 1234 Maple Ave
    expect(ids('555-4321')).toEqual(['cus_marco']);
    expect(lookup.search('2175554321').customers[0]).toMatchObject({ id: 'cus_marco', matchedOn: 'phone', exact: true });
  });

  it('finds invoices by number prefix, case-insensitively, newest first, exact first', () => {
    expect(numbers('abcd')).toEqual(['ABCD1234-0002', 'ABCD1234-0001']);
    expect(numbers('ABCD1234-0001')).toEqual(['ABCD1234-0001']);
    expect(numbers('#qrst5678-0001')).toEqual(['QRST5678-0001']);
    const hit = lookup.search('zztop999-0001').invoices[0];
    expect(hit).toMatchObject({ id: 'in_004', customerId: 'cus_marco', customerName: 'Marco Garza', exact: true, total: 10_000 });
    expect(numbers('nope-1')).toEqual([]);
  });

  it('finds customers by address: street, city, zip prefixes', () => {
    expect(ids('1234 maple')).toEqual(['cus_maria']);
    expect(ids('maple ave')).toEqual(['cus_maria']);
    expect(new Set(ids('springf'))).toEqual(new Set(['cus_maria', 'cus_marco']));
    expect(ids('6270')).toEqual(expect.arrayContaining(['cus_maria', 'cus_marco']));
    expect(ids('62704')[0]).toBe('cus_maria');
    expect(new Set(ids('madison'))).toEqual(new Set(['cus_john', 'cus_nunez']));
    expect(ids('elm springfield')).toEqual(['cus_marco']);
    expect(lookup.search('peoria').customers[0]).toMatchObject({ id: 'cus_gary', matchedOn: 'address' });
  });

  it('honours the limit (default 20, at most 50)', () => {
    const many: Customer[] = Array.from({ length: 80 }, (_, i) => ({
      id: `cus_many${i}`,
      name: `Maxwell Person${i}`,
      email: null,
      phone: null,
      address: null,
    }));
    store.upsertCustomers(many);
    expect(ids('max')).toHaveLength(20);
    expect(ids('max', 5)).toHaveLength(5);
    expect(ids('max', 500)).toHaveLength(50);
    expect(ids('max', 0)).toHaveLength(1);
    expect(ids('max person', 7)).toHaveLength(7);
    expect(ids('max', 20)).toEqual(ids('max', 20)); // deterministic
  });

  it('ranks well when every typed word is common (the walk over long posting lists)', () => {
    const many: Customer[] = Array.from({ length: 1_200 }, (_, i) => ({
      id: `cus_lee${i}`,
      name: i % 2 ? 'Ann Lee' : 'Annabel Leeds',
      email: null,
      phone: null,
      address: null,
    }));
    store.upsertCustomers(many);
    store.upsertInvoices(many.map((c, i) => inv(`in_lee${i}`, `LEEE0000-${i}`, c.id, 1_600_000_000 + i)));
    const exact = lookup.search('lee ann').customers;
    expect(exact).toHaveLength(20);
    expect(exact.every((c) => c.name === 'Ann Lee' && c.exact)).toBe(true);
    expect(exact[0]?.id).toBe('cus_lee1199');
    expect(exact.map((c) => c.lastActivityAt)).toEqual([...exact.map((c) => c.lastActivityAt)].sort((a, b) => b! - a!));
    const prefix = lookup.search('an le', { limit: 3 }).customers.map((c) => c.id);
    expect(prefix).toEqual(['cus_lee1199', 'cus_lee1198', 'cus_lee1197']);
    expect(ids('annab leeds', 50)).toHaveLength(50);
    expect(ids('annab leeds', 50).every((id) => Number(id.slice(7)) % 2 === 0)).toBe(true);
  });

  it('returns nothing for an empty query', () => {
    expect(lookup.search('')).toEqual({ customers: [], invoices: [] });
    expect(lookup.search('   \t ')).toEqual({ customers: [], invoices: [] });
  });

  it('refuses a 10,000-character query and writes nothing', () => {
    const before = db.prepare('SELECT (SELECT count(*) FROM ls_customers) + (SELECT count(*) FROM ls_terms) AS n').pluck().get();
    const changes = db.prepare('SELECT total_changes()').pluck();
    const c0 = changes.get();
    let error: unknown;
    try {
      lookup.search('a'.repeat(10_000));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'invalid_request', field: 'query', reason: 'search_too_long' });
    expect(() => lookup.search('a'.repeat(201))).toThrow(AppError);
    expect(() => lookup.search('a'.repeat(200))).not.toThrow();
    expect(changes.get()).toBe(c0);
    expect(db.prepare('SELECT (SELECT count(*) FROM ls_customers) + (SELECT count(*) FROM ls_terms) AS n').pluck().get()).toBe(before);
  });

  it.each(['%', '_', '"', '*', "'", '%%', '_a', 'a%', '"mar', 'mar*', "mar'", 'NEAR(', 'mar OR gar', '\\', '-', '()', '@', '+', '.', '#'])(
    'treats %j literally and does not crash',
    (q) => {
      const res = lookup.search(q);
      expect(res.customers.length).toBeLessThanOrEqual(20);
      for (const c of res.customers) expect(c.id).not.toBe(''); // no wildcard "match everything"
      if (['%', '_', '*', '%%'].includes(q)) expect(res.customers.map((c) => c.id).filter((id) => id !== 'cus_weird')).toEqual([]);
    },
  );

  it('matches special characters literally where they are part of the value', () => {
    expect(ids('odd%_')).toEqual(['cus_weird']); // email prefix with % and _
    expect(ids('odd%')).toEqual(['cus_weird']);
    expect(ids('odd_')).toEqual([]); // "_" is not a wildcard
    expect(ids('100% under')).toEqual(['cus_weird']);
    expect(ids('"quote" star*')).toEqual(['cus_weird']);
    expect(ids("tick's")).toEqual(['cus_weird']);
  });

  it('sees updates: a renamed customer is found under the new name only', () => {
    store.upsertCustomers([{ ...CUSTOMERS[0]!, name: 'Maria Fernandez' }], { version: 1_800_000_000_000 });
    expect(ids('fern')).toEqual(['cus_maria']);
    expect(ids('garcia')).not.toContain('cus_maria');
  });
});
