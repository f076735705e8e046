/**
 * Look-up benchmark: builds a realistic local copy (seeded, deterministic) through LocalStore in a
 * temp-dir SQLite file, then times LookupService.search per query kind. Run alone with
 * `npx tsx bench/lookup.ts [invoices:customers ...]`, or through `npm run bench`.
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Customer, Invoice, InvoiceStatus } from '../electron/shared/contract';
import { openDatabase } from '../electron/main/db/connection';
import { appMigrations } from '../electron/main/db/migrations';
import { LocalStore } from '../electron/main/services/local-store/local-store';
import { LookupService } from '../electron/main/services/lookup/lookup-service';

// ---------------------------------------------------------------------------------------------
// Deterministic data.

/** mulberry32: small, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks index i of n with probability ∝ 1/(i+1)^s (Zipf-like). */
function zipf(n: number, s: number): (r: () => number) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  return (r) => {
    const x = r() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const FIRST = `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph
Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra Donald Ashley
Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy
Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Angela
Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen Benjamin Samantha Samuel
Katherine Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry
Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas Victoria Zachary Kelly Peter
Lauren Kyle Christina Ethan Joan Walter Evelyn Noah Judith Jeremy Megan Christian Andrea Keith Cheryl Roger Hannah Terry
Jacqueline Gerald Martha Harold Gloria Sean Teresa Austin Ann Carl Sara Arthur Madison Lawrence Frances Dylan Kathryn
Jesse Janice Jordan Jean Bryan Abigail Billy Alice Joe Julia Bruce Judy Gabriel Sophia Logan Grace Albert Denise Willie
Amber Alan Doris Juan Marilyn Wayne Danielle Elijah Beverly Randy Isabella Roy Theresa Vincent Diana Ralph Natalie Eugene
Brittany Russell Charlotte Bobby Marie Mason Kayla Philip Alexis Louis Lori Carlos Luis Miguel Sofia Valentina Camila
Mariana Lucia Ximena Diego Mateo Santiago Alejandro Fernando Javier Ricardo Eduardo Guadalupe Rosa Carmen Ana Pedro Jorge
Manuel Francisco Antonio Rafael Marisol Marta Margarita Nguyen Wei Ming Hiroshi Yuki Aisha Fatima Omar Ali Hassan Priya
Raj Arjun Ananya Deepak Olga Ivan Dmitri Katya Sven Ingrid Lars Astrid Mohammed Yusuf Leila Zainab Chloe Zoe Liam Mia
Aiden Ava Lucas Ella Oliver Amelia Elena Marco Giulia Matteo Francesca Pierre Amelie Hugo Camille Maren Marcus Marcel`
  .split(/\s+/)
  .filter(Boolean);

const LAST_REAL = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker
Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood
James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins
Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson
Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar
Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen
Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz
Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels
Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen
Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray
Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Guerrero George
Chapman Rios Estrada Ortega Watkins Greene Nunez Wheeler Valdez Harper Burke Larson Santiago Maldonado Morrison Franklin
Carlson Austin Dominguez Carr Lawson Jacobs Obrien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson
Gilbert Dean Sims Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller Wang Weber Welch Rojas Lucas Marquez
Fields Park Yang Little Banks Padilla Day Walsh Bowman Schultz Luna Fowler Mejia Davidson Acosta Brewer May Holland Juarez
Newman Pearson Curtis Cortez Douglas Schneider Joseph Barrett Navarro Figueroa Keller Avila Wade Molina Stanley Hopkins
Campos Barnett Bates Chambers Caldwell Beck Lambert Miranda Byrd Craig Ayala Lowe Frazier Powers Neal Leonard Gregory
Carrillo Sutton Fleming Rhodes Shelton Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel Moran Parks Steele
Vaughn Becker Holt Deleon Barker Terry Hale Leon Hail Benson Haynes Horton Miles Lyons Pham Graves Bush Thornton Wolfe
Warner Cabrera McKinney Mann Zimmerman Dawson Lara Fletcher Page McCarthy Love Robles Cervantes Solis Erickson Reeves
Chang Klein Salinas Fuentes Baldwin Daniel Simon Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp Barber
Bowen Ochoa Dennis Robbins Liu Ramsey Francis Griffith Paul Blair Oconnor Cardenas Pacheco Cross Calderon Quinn Moss
Swanson Chan Rivas Khan Rodgers Serrano Fitzgerald Rosales Stevenson Christensen Manning Gill Curry McLaughlin Harmon`
  .split(/\s+/)
  .filter(Boolean);

function makeLastNames(count: number): string[] {
  const r = prng(7);
  const onsets = ['b', 'br', 'c', 'ch', 'd', 'f', 'g', 'gr', 'h', 'k', 'kr', 'l', 'm', 'n', 'p', 'r', 's', 'sh', 'st', 't', 'v', 'w', 'z'];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ei', 'ou', 'ia'];
  const codas = ['', 'n', 'r', 'l', 's', 'k', 'm', 'nd', 'rt', 'st', 'tz', 'ck'];
  const endings = ['', 'son', 'sen', 'ez', 'ski', 'ov', 'ian', 'er', 'man', 'ley', 'ton', 'berg', 'ini', 'elli', 'ova'];
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const out = [...LAST_REAL];
  const seen = new Set(out.map((s) => s.toLowerCase()));
  while (out.length < count) {
    let s = pick(onsets) + pick(vowels) + pick(codas);
    if (r() < 0.5) s += pick(onsets) + pick(vowels) + pick(codas);
    s += pick(endings);
    if (s.length < 4 || seen.has(s)) continue;
    seen.add(s);
    out.push(s[0]!.toUpperCase() + s.slice(1));
  }
  return out;
}

const STREETS = `Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Walnut Sunset Lincoln Jackson Church River Highland
Spring Meadow Forest Willow Madison Jefferson Franklin Center Ridge Valley Adams Chestnut Cherry Hickory Mill Union Broad
Grand Market Front Water Railroad Spruce Birch Poplar Dogwood Magnolia Laurel Aspen Sycamore Cypress Juniper Sequoia
Olive Palm Orchard Prairie Canyon Mesa Vista Bayview Harbor Shore Ocean Beach Bridge Station College University School
Kingston Fairview Greenwood Lakeview Woodland Brookside Riverside Hillcrest Glenwood Rosewood Heritage Liberty Patriot`
  .split(/\s+/)
  .filter(Boolean);
const SUFFIXES = ['St', 'Ave', 'Rd', 'Dr', 'Ln', 'Blvd', 'Ct', 'Way', 'Pl'];
const CITIES: [string, string, string][] = [
  ['Springfield', 'IL', '627'],
  ['Riverside', 'CA', '925'],
  ['Franklin', 'TN', '370'],
  ['Greenville', 'SC', '296'],
  ['Bristol', 'CT', '060'],
  ['Clinton', 'IA', '527'],
  ['Fairview', 'OR', '970'],
  ['Salem', 'MA', '019'],
  ['Madison', 'WI', '537'],
  ['Georgetown', 'TX', '786'],
  ['Arlington', 'VA', '222'],
  ['Ashland', 'OR', '975'],
  ['Dover', 'DE', '199'],
  ['Oxford', 'MS', '386'],
  ['Jackson', 'MS', '392'],
  ['Burlington', 'VT', '054'],
  ['Manchester', 'NH', '031'],
  ['Milton', 'MA', '021'],
  ['Newport', 'RI', '028'],
  ['Auburn', 'AL', '368'],
  ['Dayton', 'OH', '454'],
  ['Lexington', 'KY', '405'],
  ['Milford', 'CT', '064'],
  ['Winchester', 'VA', '226'],
  ['Hudson', 'NY', '125'],
  ['Kingston', 'NY', '124'],
  ['Marion', 'OH', '433'],
  ['Columbia', 'MO', '652'],
  ['Oakland', 'CA', '946'],
  ['Portland', 'ME', '041'],
  ['Albany', 'NY', '122'],
  ['Austin', 'TX', '787'],
  ['Santa Fe', 'NM', '875'],
  ['San Jose', 'CA', '951'],
  ['El Paso', 'TX', '799'],
  ['Las Cruces', 'NM', '880'],
];
const AREA = [
  '217',
  '312',
  '773',
  '951',
  '615',
  '864',
  '860',
  '319',
  '503',
  '978',
  '608',
  '512',
  '703',
  '541',
  '302',
  '662',
  '601',
  '802',
  '603',
  '617',
  '401',
  '334',
  '937',
  '859',
  '203',
  '540',
  '518',
  '845',
  '740',
  '573',
  '510',
  '207',
];
const DOMAINS = [
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'aol.com',
  'comcast.net',
  'proton.me',
  'att.net',
  'live.com',
];
const STATUSES: InvoiceStatus[] = ['paid', 'paid', 'paid', 'paid', 'open', 'overdue', 'partially_paid', 'void', 'uncollectible', 'draft'];

export interface Dataset {
  customers: Customer[];
  invoices: Invoice[];
}

/** Deterministic dataset: the same sizes always give the same rows. */
export function* generate(size: { invoices: number; customers: number }, batch = 5000): Generator<Dataset> {
  const r = prng(0xc0ffee ^ size.customers);
  const last = makeLastNames(3000);
  const pickFirst = zipf(FIRST.length, 1.0);
  const pickLast = zipf(last.length, 1.0);
  const pickStreet = zipf(STREETS.length, 0.8);
  const pickCity = zipf(CITIES.length, 1.0);
  const pickArea = zipf(AREA.length, 1.1);
  const pickDomain = zipf(DOMAINS.length, 1.2);
  const now = 1_760_000_000;
  const span = 3 * 365 * 86400;
  const perCustomer = size.invoices / size.customers;
  let invoicesLeft = size.invoices;
  let seq = 0;
  for (let start = 0; start < size.customers; start += batch) {
    const customers: Customer[] = [];
    const invoices: Invoice[] = [];
    for (let i = start; i < Math.min(size.customers, start + batch); i++) {
      const first = FIRST[pickFirst(r)]!;
      const lastName = last[pickLast(r)]!;
      const middle = r() < 0.08 ? ` ${FIRST[pickFirst(r)]!}` : '';
      const id = `cus_${(i + 1).toString(36).padStart(8, '0')}`;
      const area = AREA[pickArea(r)]!;
      const local = `${Math.floor(200 + r() * 800)}${String(Math.floor(r() * 10000)).padStart(4, '0')}`;
      const fmt = r();
      const phone =
        fmt < 0.4
          ? `(${area}) ${local.slice(0, 3)}-${local.slice(3)}`
          : fmt < 0.7
            ? `+1 ${area}-${local.slice(0, 3)}-${local.slice(3)}`
            : fmt < 0.9
              ? `${area}.${local.slice(0, 3)}.${local.slice(3)}`
              : `+1${area}${local}`;
      const e = r();
      const f = first.toLowerCase();
      const l = lastName.toLowerCase();
      const user =
        e < 0.35
          ? `${f}.${l}`
          : e < 0.6
            ? `${f[0]}${l}`
            : e < 0.8
              ? `${f}${l}${Math.floor(r() * 100)}`
              : `${f}_${l[0]}${Math.floor(r() * 1000)}`;
      const [city, state, zip3] = CITIES[pickCity(r)]!;
      const customer: Customer = {
        id,
        name: `${first}${middle} ${lastName}`,
        email: r() < 0.92 ? `${user}@${DOMAINS[pickDomain(r)]!}` : null,
        phone: r() < 0.9 ? phone : null,
        address:
          r() < 0.85
            ? {
                line1: `${1 + Math.floor(r() * 9999)} ${STREETS[pickStreet(r)]!} ${SUFFIXES[Math.floor(r() * SUFFIXES.length)]!}`,
                line2: r() < 0.15 ? `Apt ${1 + Math.floor(r() * 400)}` : null,
                city,
                state,
                postalCode: `${zip3}${String(Math.floor(r() * 100)).padStart(2, '0')}`,
                country: 'US',
              }
            : null,
      };
      customers.push(customer);
      const customersLeft = size.customers - i;
      const count = customersLeft === 1 ? invoicesLeft : Math.min(invoicesLeft, Math.floor(r() * perCustomer * 2 + 0.5));
      invoicesLeft -= count;
      const prefix =
        String.fromCharCode(...[0, 1, 2, 3].map(() => 65 + Math.floor(r() * 26))) + String(Math.floor(r() * 10000)).padStart(4, '0');
      let t = now - Math.floor(r() * span);
      for (let k = 1; k <= count; k++) {
        const total = 500 + Math.floor(r() * 50000);
        const status = STATUSES[Math.floor(r() * STATUSES.length)]!;
        const paid = status === 'paid' ? total : status === 'partially_paid' ? Math.floor(total / 2) : 0;
        t = Math.min(now, t + Math.floor(r() * 60 * 86400));
        seq++;
        invoices.push({
          id: `in_${seq.toString(36).padStart(10, '0')}`,
          number: `${prefix}-${String(k).padStart(4, '0')}`,
          customerId: id,
          status,
          currency: 'usd',
          total,
          amountDue: total,
          amountPaid: paid,
          amountRemaining: total - paid,
          issuedAt: t,
          dueAt: t + 30 * 86400,
        });
      }
    }
    yield { customers, invoices };
  }
}

// ---------------------------------------------------------------------------------------------
// Queries.

type Kind = 'name-1tok' | 'name-2tok' | 'email' | 'phone' | 'invoice' | 'address';

function makeQueries(sample: Dataset, count: number, seed: number): Record<Kind, string[]> {
  const r = prng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const len = (s: string, min: number, max: number) => s.slice(0, min + Math.floor(r() * (max - min + 1)));
  const q: Record<Kind, string[]> = { 'name-1tok': [], 'name-2tok': [], email: [], phone: [], invoice: [], address: [] };
  const withEmail = sample.customers.filter((c) => c.email);
  const withPhone = sample.customers.filter((c) => c.phone);
  const withAddr = sample.customers.filter((c) => c.address);
  for (let i = 0; i < count; i++) {
    const words = pick(sample.customers).name!.split(' ');
    const f = words[0]!;
    const l = words[words.length - 1]!;
    q['name-1tok'].push(r() < 0.5 ? len(f, 1, 4) : r() < 0.8 ? len(l, 1, 4) : r() < 0.5 ? f : l);
    const a = r() < 0.3 ? f : len(f, 1, 4);
    const b = r() < 0.3 ? l : len(l, 1, 4);
    q['name-2tok'].push(r() < 0.7 ? `${a} ${b}` : `${b.toLowerCase()} ${a}`);
    const email = pick(withEmail).email!;
    q.email.push(r() < 0.2 ? email : len(email, 3, email.length));
    const phone = pick(withPhone).phone!;
    const digits = phone.replace(/\D/g, '').slice(-10);
    const pf = r();
    q.phone.push(
      pf < 0.3 ? phone : pf < 0.6 ? digits.slice(-4) : pf < 0.8 ? len(digits, 3, 10) : `${digits.slice(3, 6)}-${digits.slice(6)}`,
    );
    const inv = pick(sample.invoices).number!;
    q.invoice.push(r() < 0.5 ? inv : len(r() < 0.5 ? inv.toLowerCase() : inv, 4, inv.length));
    const addr = pick(withAddr).address!;
    const street = addr.line1!.split(' ');
    const af = r();
    q.address.push(
      af < 0.3
        ? `${street[0]} ${len(street[1]!, 2, 6)}`
        : af < 0.5
          ? len(addr.city!, 2, 8)
          : af < 0.7
            ? len(addr.postalCode!, 3, 5)
            : af < 0.85
              ? `${street[1]} ${addr.city}`
              : addr.line1!,
    );
  }
  return q;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function fileSize(path: string): number {
  return [path, `${path}-wal`].reduce((n, p) => n + (existsSync(p) ? statSync(p).size : 0), 0);
}

export interface LookupRow {
  size: { invoices: number; customers: number };
  kind: Kind;
  p50: number;
  p99: number;
  max: number;
}

export async function benchLookup(opts: {
  sizes: { invoices: number; customers: number }[];
  queriesPerKind?: number;
}): Promise<LookupRow[]> {
  const perKind = opts.queriesPerKind ?? 3000;
  const results: LookupRow[] = [];
  const rows: string[][] = [['size', 'kind', 'queries', 'p50 ms', 'p99 ms', 'max ms', 'avg hits']];
  for (const size of opts.sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-bench-'));
    try {
      const path = join(dir, 'bench.db');
      const db = openDatabase(path, appMigrations);
      db.pragma('cache_size = -262144'); // 256 MB page cache for the bulk load and the queries
      let clock = 1_760_000_000_000;
      const store = new LocalStore(db, { now: () => clock++ });
      const sample: Dataset = { customers: [], invoices: [] };
      const sampleRand = prng(99);
      const started = performance.now();
      for (const chunk of generate(size)) {
        store.upsertCustomers(chunk.customers);
        store.upsertInvoices(chunk.invoices);
        for (const c of chunk.customers) if (sampleRand() < 0.05) sample.customers.push(c);
        for (const inv of chunk.invoices) if (sampleRand() < 0.02) sample.invoices.push(inv);
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.exec('ANALYZE');
      const buildSeconds = (performance.now() - started) / 1000;
      const mb = fileSize(path) / 1e6;
      const terms = (db.prepare('SELECT count(*) AS n FROM ls_terms').get() as { n: number }).n;
      const label = `${size.invoices.toLocaleString('en-US')} inv / ${size.customers.toLocaleString('en-US')} cus`;
      console.log(
        `${label}: built in ${buildSeconds.toFixed(1)} s, file ${mb.toFixed(0)} MB, ${terms.toLocaleString('en-US')} search terms`,
      );

      const lookup = new LookupService(db);
      const warm = makeQueries(sample, 300, 1);
      for (const list of Object.values(warm)) for (const q of list) lookup.search(q);
      const queries = makeQueries(sample, perKind, 2);
      for (const [kind, list] of Object.entries(queries) as [Kind, string[]][]) {
        const times = new Float64Array(list.length);
        let hits = 0;
        list.forEach((q, i) => {
          const t0 = performance.now();
          const res = lookup.search(q);
          times[i] = performance.now() - t0;
          hits += res.customers.length + res.invoices.length;
        });
        times.sort();
        results.push({ size, kind, p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times[times.length - 1]! });
        rows.push([
          label,
          kind,
          String(list.length),
          percentile(times, 0.5).toFixed(3),
          percentile(times, 0.99).toFixed(3),
          times[times.length - 1]!.toFixed(3),
          (hits / list.length).toFixed(1),
        ]);
      }
      rows.push([label, `build ${buildSeconds.toFixed(1)} s`, '', '', '', '', `${mb.toFixed(0)} MB`]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  return results;
}

const DEFAULT_SIZES = [
  { invoices: 100_000, customers: 20_000 },
  { invoices: 1_000_000, customers: 200_000 },
];

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const sizes = args.length
    ? args.map((a) => {
        const [inv, cus] = a.split(':').map(Number);
        return { invoices: inv!, customers: cus! };
      })
    : DEFAULT_SIZES;
  benchLookup({ sizes }).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
