/**
 * End-to-end fixtures: each test gets its own browser-preview server (a child process running the
 * real main-process services in training mode) on a free port with a fresh data folder.
 */
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'electron', 'web', 'cli.ts'), '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, STRIPE_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const [url, sandboxUrl] = await new Promise<[string, string]>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`preview did not start in time:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      const sandbox = /Stripe sandbox at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] && sandbox?.[1]) {
        clearTimeout(timer);
        done([match[1], sandbox[1]]);
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
