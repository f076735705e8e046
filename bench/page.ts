/**
 * Time from Pay Now to the payment page being interactive, in Chromium through the browser
 * preview (training mode): click Pay Now on the invoices page, stop when Continue is enabled and the
 * amount is filled in. Measured in the page (performance.now around the click and the first frame
 * where the page is ready), so Playwright's own round trips are not counted.
 *
 *   npm run build && npx tsx bench/page.ts [--runs 30]
 */
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startPreviewProcess } from '../tests/e2e/fixtures';
import { ms, summarize } from './stats';
import { chromiumLaunchOptions } from '../tests/helpers/chromium';

export interface PageBenchResult {
  runs: number;
  p50: number;
  p95: number;
}

export async function benchPayNowToInteractive(opts: { runs?: number } = {}): Promise<PageBenchResult> {
  const runs = opts.runs ?? 30;
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-bench-page-'));
  const { url, child } = await startPreviewProcess(dataDir);
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/#/sign-in`);
    await page
      .getByRole('button', { name: /use this account/i })
      .first()
      .click();
    await page.getByRole('button', { name: /^sign in$/i }).click();
    const samples: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      await page.goto(`${url}/#/account/invoices`);
      const payNow = page.getByText('Pay Now', { exact: true }).first();
      await payNow.waitFor();
      // Start the clock in the page on the click itself; stop at the first frame where Continue is usable.
      // (A string, not a function: tsx would add helpers the page does not have.)
      const elapsed = page.evaluate<number>(`new Promise((resolve) => {
        let start = 0;
        document.addEventListener('click', () => (start = performance.now()), { capture: true, once: true });
        const check = () => {
          const cont = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Continue');
          const amount = document.querySelector('input[inputmode="decimal"]');
          if (start && cont && !cont.disabled && amount && amount.value !== '') resolve(performance.now() - start);
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      })`);
      await payNow.click();
      const t = await elapsed;
      if (i >= 3) samples.push(t); // the first few warm the caches
    }
    const s = summarize(samples);
    console.log(`\nPay Now → payment page interactive (Chromium, browser preview), ${runs} runs`);
    console.log(`  p50 ${ms(s.p50)}   p95 ${ms(s.p95)}   max ${ms(s.max)}`);
    return { runs, p50: s.p50, p95: s.p95 };
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
  await benchPayNowToInteractive({ runs: Number(values.runs) });
}
