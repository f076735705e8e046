#!/usr/bin/env node
/**
 * better-sqlite3 is a native module, and Electron has its own ABI. Instead of rebuilding the copy in
 * node_modules (which would break `npm test` under Node, and be undone by the next `npm install`),
 * this builds a second copy for Electron into .native/electron-<version>/better_sqlite3.node.
 * electron/main/index.ts loads that copy via better-sqlite3's `nativeBinding` option; Node keeps
 * using node_modules. Both work, in either order. Packaged builds get theirs from electron-builder.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const target = join(root, '.native', `electron-${electronVersion}`, 'better_sqlite3.node');
if (existsSync(target)) process.exit(0);

const source = dirname(require.resolve('better-sqlite3/package.json'));
const work = mkdtempSync(join(tmpdir(), 'bsq-electron-'));
const copy = join(work, 'better-sqlite3');
cpSync(source, copy, { recursive: true, filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`) });
const run = (cmd, args) =>
  execFileSync(cmd, args, {
    cwd: copy,
    stdio: 'inherit',
    env: {
      ...process.env,
      npm_config_runtime: 'electron',
      npm_config_target: electronVersion,
      npm_config_disturl: 'https://electronjs.org/headers',
    },
  });
console.log(`Building better-sqlite3 for Electron ${electronVersion} (one time) ...`);
try {
  try {
    run(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion]);
  } catch {
    run(process.execPath, [
      require.resolve('node-gyp/bin/node-gyp.js'),
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${electronVersion}`,
      '--dist-url=https://electronjs.org/headers',
    ]);
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(copy, 'build', 'Release', 'better_sqlite3.node'), target);
  console.log(`Electron copy of better-sqlite3 at ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
