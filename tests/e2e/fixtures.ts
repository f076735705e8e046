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
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function startPreviewProcess(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'electron', 'web', 'cli.ts'), '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, STRIPE_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`preview did not start in time:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`preview exited with ${code}:\n${output}`));
    });
  });
  return { url, child };
}

export const test = base.extend<{ preview: Preview }>({
  preview: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'));
    const { url, child } = await startPreviewProcess(dataDir);
    await use({ url, dataDir });
    child.kill('SIGTERM');
    await new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
    rmSync(dataDir, { recursive: true, force: true });
  },
  baseURL: async ({ preview }, use) => {
    await use(preview.url);
  },
});

export { expect };
