import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';

const script = fileURLToPath(new URL('../../scripts/check-boundaries.mjs', import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function check(tree: Record<string, string>) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  for (const [path, content] of Object.entries({ 'renderer/src/ok.ts': '', 'electron/shared/ok.ts': '', ...tree })) {
    mkdirSync(dirname(join(t.dir, path)), { recursive: true });
    writeFileSync(join(t.dir, path), content);
  }
  return spawnSync(process.execPath, [script, t.dir], { encoding: 'utf8' });
}

describe('layer boundary check', () => {
  it('passes the real project', () => {
    expect(spawnSync(process.execPath, [script], { encoding: 'utf8' }).status).toBe(0);
  });

  it.each([
    ['a service importing electron', { 'electron/main/services/x.ts': "import { app } from 'electron';" }],
    ['stripe imported outside the gateway', { 'electron/main/services/y.ts': "import Stripe from 'stripe';" }],
    ['Node in electron/shared', { 'electron/shared/z.ts': "import { readFileSync } from 'node:fs';" }],
    ['the renderer reaching into main', { 'renderer/src/a.ts': "import { x } from '../../electron/main/composition';" }],
    ['the renderer importing electron', { 'renderer/src/b.ts': "import { ipcRenderer } from 'electron';" }],
    [
      'the stand-in importing the app',
      { 'packages/stripe-sandbox/src/s.ts': "import { openDatabase } from '../../../electron/main/db/connection';" },
    ],
    [
      'a service starting the stand-in',
      { 'electron/main/services/t.ts': "import { StripeSandbox } from '../../../packages/stripe-sandbox/src';" },
    ],
  ])('fails on %s', (_name, tree) => {
    const r = check(tree);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('violations');
  });

  it('allows type-only stripe imports and electron in app/', () => {
    const r = check({
      'packages/stripe-sandbox/src/a.ts': "import type Stripe from 'stripe';",
      'electron/main/composition.ts': "import { StripeSandbox } from '../../packages/stripe-sandbox/src';",
      'electron/main/app/w.ts': "import { BrowserWindow } from 'electron';",
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
