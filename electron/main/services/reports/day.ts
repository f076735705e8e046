/** The calendar day YYYY-MM-DD in an IANA time zone, as [from, to) in unix milliseconds (DST-safe). */
export function dayBounds(date: string, timeZone: string): { fromMs: number; toMs: number } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const start = localMidnight(y, m, d, timeZone);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  const end = localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
  return { fromMs: start, toMs: end };
}

/** Today's date (YYYY-MM-DD) in the time zone. */
export function localDate(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function localMidnight(y: number, m: number, d: number, timeZone: string): number {
  const guess = Date.UTC(y, m - 1, d);
  let t = guess - offset(guess, timeZone);
  t = guess - offset(t, timeZone);
  return t;
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
function offset(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

function parts(ms: number, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of fmt.formatToParts(ms)) if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  return out;
}
