import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });

// N=2^15, r=8, p=1: about 32 MiB and tens of milliseconds per check on this class of machine.
const PARAMS = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEYLEN = 32;

/** `scrypt$N$r$p$saltB64$hashB64`: self-describing so the cost can be raised later. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret.normalize('NFKC'), salt, KEYLEN, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const started = performance.now();
  try {
    return await verify(secret, stored);
  } finally {
    const took = performance.now() - started;
    typicalMs = typicalMs === 0 ? took : typicalMs * 0.8 + took * 0.2;
  }
}

/** A moving average of how long a check takes here. */
let typicalMs = 0;

/**
 * Takes as long as a check typically does, without the work: for a try that is refused before its
 * check (a locked subject), so neither the answer's timing nor the station's load tells it apart.
 */
export async function takeCheckTime(): Promise<void> {
  if (typicalMs === 0) {
    await (calibration ??= dummyHash().then((hash) => verifySecret('', hash)));
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, typicalMs));
}
let calibration: Promise<boolean> | null = null;

async function verify(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, hashB64] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, 'base64');
  const key = await scrypt(secret.normalize('NFKC'), Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of nothing in particular, checked against when an email is unknown so timing does not tell. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashSecret(randomBytes(16).toString('hex'));
  return dummy;
}
