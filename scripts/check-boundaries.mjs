#!/usr/bin/env node
/**
 * The layer rules of ARCHITECTURE.md, checked on every import:
 *  - electron/shared uses no Node built-ins, no DOM-only code and nothing from main/preload/renderer;
 *  - renderer imports only electron/shared (and browser packages);
 *  - electron/main/services and everything outside app/, ipc/ and index.ts never import 'electron';
 *  - only electron/main/stripe imports the 'stripe' package (type-only imports elsewhere are allowed);
 *  - nothing but electron/main/ipc/register-electron.ts and the preload touches ipcMain / ipcRenderer;
 *  - the Stripe stand-in (packages/stripe-sandbox) is its own product: it imports nothing of the app,
 *    and in the app only the composition root (which starts it in training mode) imports it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function files(dir) {
  const out = [];
  try {
    statSync(dir);
  } catch {
    return out;
  }
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|vue|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const violations = [];
const rel = (p) => relative(root, p).split(sep).join('/');

for (const file of [...files(join(root, 'electron')), ...files(join(root, 'renderer')), ...files(join(root, 'packages'))]) {
  const path = rel(file);
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(IMPORT)) {
    const typeOnly = Boolean(m[2]);
    const spec = m[3] ?? m[4] ?? m[5];
    const target = spec.startsWith('.') ? rel(resolve(dirname(file), spec)) : null;
    const bad = (why) => violations.push(`${path}: imports '${spec}': ${why}`);

    if (path.startsWith('electron/shared/')) {
      if (builtins.has(spec)) bad('electron/shared must not use Node');
      if (target && !target.startsWith('electron/shared/')) bad('electron/shared imports only electron/shared');
      if (spec === 'electron') bad('electron/shared must not import electron');
    }
    if (path.startsWith('renderer/')) {
      if (builtins.has(spec) || spec === 'electron' || spec === 'stripe' || spec === 'better-sqlite3')
        bad('the renderer runs in the browser');
      if (target && !target.startsWith('renderer/') && !target.startsWith('electron/shared/'))
        bad('the renderer imports only electron/shared');
    }
    if (spec === 'electron' && !typeOnly) {
      const allowed =
        path === 'electron/main/index.ts' ||
        path.startsWith('electron/main/app/') ||
        path.startsWith('electron/main/ipc/') ||
        path.startsWith('electron/preload/');
      if (!allowed) bad("only electron/main/index.ts, app/, ipc/ and the preload import 'electron'");
    }
    if (spec === 'stripe' && !typeOnly && !path.startsWith('electron/main/stripe/')) bad("only electron/main/stripe imports 'stripe'");
    if (path.startsWith('packages/stripe-sandbox/') && target && !target.startsWith('packages/stripe-sandbox/')) {
      bad('the Stripe stand-in imports nothing of the app');
    }
    if (
      target?.startsWith('packages/stripe-sandbox/') &&
      !path.startsWith('packages/stripe-sandbox/') &&
      path.startsWith('electron/') &&
      path !== 'electron/main/composition.ts'
    ) {
      bad('only the composition root starts the Stripe stand-in');
    }
    if (
      path.startsWith('electron/main/services/') &&
      target &&
      (target.startsWith('electron/main/app/') || target.startsWith('electron/main/ipc/'))
    ) {
      bad('services do not depend on the Electron edge or on IPC');
    }
  }
  if (/\b(ipcMain|ipcRenderer)\b/.test(source.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))) {
    const allowed = ['electron/main/ipc/register-electron.ts', 'electron/preload/index.ts'];
    if (!allowed.includes(path) && !/import type/.test(source.match(/.*\b(ipcMain|ipcRenderer)\b.*/)?.[0] ?? '')) {
      // electron/main/index.ts passes ipcMain to register-electron: that is the one hand-off allowed.
      if (path !== 'electron/main/index.ts') violations.push(`${path}: touches ipcMain/ipcRenderer`);
    }
  }
}

if (violations.length) {
  console.error(`Layer boundary violations (${violations.length}):\n  ${violations.join('\n  ')}`);
  process.exit(1);
}
console.log('Layer boundaries: ok');
