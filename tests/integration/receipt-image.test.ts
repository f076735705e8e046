import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { RECEIPT_CPL, renderSvg } from '../../electron/main/services/receipts/escpos';
import { buildReceipt } from '../../electron/main/services/receipts/receipt-model';
import { cardPresentInput } from '../fixtures/receipts';
import { chromiumLaunchOptions } from '../helpers/chromium';

// Real Chromium (Debian's) renders the receiptline SVG the kiosk shows as its on-screen preview.
const OUT_DIR = join(process.cwd(), 'test-results');
const PNG_PATH = join(OUT_DIR, 'receipt.png');
const PAD = 16;

const receipt = buildReceipt(cardPresentInput({ training: true }));

/** The characters the SVG draws, in order (receiptline puts each one in its own <tspan>). */
function svgText(svg: string): string {
  return [...svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)]
    .map((m) => m[1] ?? '')
    .join('')
    .replace(/&#xa0;/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('receipt image (receiptline SVG in Chromium)', () => {
  it('renders the receipt with its text, self-contained, to test-results/receipt.png', { timeout: 60_000 }, async () => {
    const svg = renderSvg(receipt);
    const text = svgText(svg);
    for (const t of [
      'Riverside Billing Co.',
      'Payment receipt',
      'TRAINING — NOT A REAL PAYMENT',
      'May 1, 2025, 10:04 AM',
      'Dana Ortiz',
      '$125.50',
      'Visa **** 4242',
      'Approved',
      'VISA CREDIT',
      'A0000000031010',
      'D4B6A1C9E0F21834',
      'pi_3PqRsT2eZvKYlo2C1aBcDeFg',
    ])
      expect(text, t).toContain(t);
    expect(svg).not.toMatch(/@import|googleapis|https:/);
    expect(svg.startsWith(`<svg width="${RECEIPT_CPL * 12}px"`)).toBe(true);

    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage({ viewport: { width: 600, height: 800 }, deviceScaleFactor: 1 });
      // The preview shows the paper with a little white border around it.
      await page.setContent(
        `<!DOCTYPE html><html><body style="margin:0;background:#fff"><div id="paper" style="display:inline-block;padding:${PAD}px;line-height:0">${svg}</div></body></html>`,
      );
      const box = await page.locator('svg').first().boundingBox();
      expect(box?.width).toBe(RECEIPT_CPL * 12);
      mkdirSync(OUT_DIR, { recursive: true });
      await page.locator('#paper').screenshot({ path: PNG_PATH });
    } finally {
      await browser.close();
    }

    const png = readFileSync(PNG_PATH);
    const { width, height } = pngSize(png);
    expect(width).toBe(RECEIPT_CPL * 12 + 2 * PAD); // 42 characters of 12 px, and the border
    expect(height).toBeGreaterThan(900); // a full receipt, not a sliver
    expect(height).toBeLessThan(3_000);
    expect(png.length).toBeGreaterThan(10_000); // has content, not a blank page
    writeFileSync(join(OUT_DIR, 'receipt.svg'), svg);
  });
});
