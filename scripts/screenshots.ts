/**
 * Takes the README's screenshots from the browser preview (training mode, fresh demo data):
 *   npm run build && npx tsx scripts/screenshots.ts
 */
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPreviewProcess } from '../tests/e2e/fixtures';
import { chromiumLaunchOptions } from '../tests/helpers/chromium';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-shots-'));
const { url, child } = await startPreviewProcess(dataDir);
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.screenshot({ path: join(out, 'welcome.png') });
  await page.goto(`${url}/#/sign-in`);
  await page
    .getByRole('button', { name: /use this account/i })
    .first()
    .click();
  await page.screenshot({ path: join(out, 'sign-in.png') });
  await page.getByRole('button', { name: /^sign in$/i }).click();
  await page.getByText('Pay Now', { exact: true }).first().waitFor();
  await page.screenshot({ path: join(out, 'invoices.png') });
  await page.getByText('Pay Now', { exact: true }).first().click();
  await page.getByRole('button', { name: /continue/i }).waitFor();
  await page.screenshot({ path: join(out, 'payment.png'), fullPage: true });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
