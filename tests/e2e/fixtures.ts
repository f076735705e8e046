/**
 * End-to-end fixtures: each test gets its own browser-preview server (a child process running the
 * real main-process services in training mode) on a free port with a fresh data folder.
 */
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

export interface Preview {
  url: string;
  dataDir: string;
  /** The training sandbox (for its admin switches, e.g. cutting the line). */
  sandboxUrl: string;
  /** Cuts ('refuse') or restores ('off') the preview's connection to "Stripe". */
  outage(mode: 'refuse' | 'hang' | 'off'): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function startPreviewProcess(dataDir: string): Promise<{ url: string; sandboxUrl: string; child: ChildProcess }> {
  const { url, sandboxUrl, child } = await spawnPreview(dataDir, [], { STRIPE_SECRET_KEY: '' }, true);
  return { url, sandboxUrl: sandboxUrl!, child };
}

/** The test keys a live-mode preview runs with: "Stripe" is a sandbox the test starts itself. */
export const LIVE_SECRET_KEY = 'sk_test_livePreviewViaSandbox0000';
export const LIVE_PUBLISHABLE_KEY = 'pk_test_livePreviewViaSandbox0000';

/**
 * A preview in live mode (not training): a test secret key and publishable key, with the Stripe
 * SDK pointed at the caller's sandbox on 127.0.0.1:sandboxPort. No demo data is seeded.
 */
export async function startLivePreview(dataDir: string, sandboxPort: number): Promise<{ url: string; child: ChildProcess }> {
  const { url, child } = await spawnPreview(
    dataDir,
    ['--stripe-endpoint', `http://127.0.0.1:${sandboxPort}`],
    { STRIPE_SECRET_KEY: LIVE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY: LIVE_PUBLISHABLE_KEY },
    false,
  );
  return { url, child };
}

/**
 * For a live-mode fixture: a fresh sandbox (seeded by `seed`, before the preview's first sync), a
 * data folder with the station's `settings`, a live preview on them; all torn down after `use`.
 */
export async function withLivePreview<T>(
  opts: { prefix: string; settings?: Record<string, unknown>; seed?: (sb: TestSandbox) => Promise<T> },
  use: (live: { url: string; sb: TestSandbox; seeded: T }) => Promise<void>,
): Promise<void> {
  const sb = await startTestSandbox();
  const dataDir = mkdtempSync(join(tmpdir(), opts.prefix));
  let child: ChildProcess | null = null;
  try {
    const seeded = (opts.seed ? await opts.seed(sb) : undefined) as T;
    if (opts.settings) writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(opts.settings));
    const started = await startLivePreview(dataDir, sb.port);
    child = started.child;
    await use({ url: started.url, sb, seeded });
  } finally {
    if (child) await stopPreviewProcess(child);
    await sb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Stops a preview child and waits for it to exit. */
export async function stopPreviewProcess(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
}

async function spawnPreview(
  dataDir: string,
  args: string[],
  env: Record<string, string>,
  withSandbox: boolean,
): Promise<{ url: string; sandboxUrl: string | null; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(ROOT, 'electron', 'web', 'cli.ts'),
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...args,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const [url, sandboxUrl] = await new Promise<[string, string | null]>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`preview did not start in time:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      const sandbox = /Stripe sandbox at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] && (!withSandbox || sandbox?.[1])) {
        clearTimeout(timer);
        done([match[1], sandbox?.[1] ?? null]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`preview exited with ${code}:\n${output}`));
    });
  });
  return { url, sandboxUrl, child };
}

export const test = base.extend<{ preview: Preview }>({
  preview: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'));
    const { url, sandboxUrl, child } = await startPreviewProcess(dataDir);
    const outage = async (mode: 'refuse' | 'hang' | 'off') => {
      const res = await fetch(`${sandboxUrl}/__sandbox/outage`, { method: 'POST', body: new URLSearchParams({ mode }) });
      if (!res.ok) throw new Error(`outage ${mode}: ${res.status}`);
    };
    await use({ url, dataDir, sandboxUrl, outage });
    child.kill('SIGTERM');
    await new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
    rmSync(dataDir, { recursive: true, force: true });
  },
  baseURL: async ({ preview }, use) => {
    await use(preview.url);
  },
});

export { expect };
