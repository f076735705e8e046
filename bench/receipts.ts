/**
 * Receipt render times: one typical card-present receipt (EMV fields, two invoices, QR code)
 * built once with buildReceipt, then rendered as ESC/POS, SVG, HTML and PDF, each `iterations`
 * times after a warm-up.
 *
 *   npx tsx bench/receipts.ts [--iterations 1000]
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { renderEscPos, renderSvg } from '../electron/main/services/receipts/escpos';
import { renderHtml } from '../electron/main/services/receipts/html';
import { renderPdf } from '../electron/main/services/receipts/pdf';
import { buildReceipt, type ReceiptInput } from '../electron/main/services/receipts/receipt-model';
import { ms, summarize } from './stats';
import { cardPresentInput } from '../tests/fixtures/receipts';

export interface ReceiptsBenchResult {
  iterations: number;
  formats: { format: string; p50: number; p95: number; bytes: number }[];
}

export const typicalCardPresentReceipt = (): ReceiptInput => cardPresentInput();

export async function benchReceipts(opts: { iterations?: number; warmup?: number } = {}): Promise<ReceiptsBenchResult> {
  const n = opts.iterations ?? 1000;
  const warmup = opts.warmup ?? Math.min(100, n);
  const receipt = buildReceipt(typicalCardPresentReceipt());
  const renderers: [string, () => Promise<number> | number][] = [
    ['escpos', () => renderEscPos(receipt).byteLength],
    ['svg', () => Buffer.byteLength(renderSvg(receipt))],
    ['html', () => Buffer.byteLength(renderHtml(receipt))],
    ['pdf', async () => (await renderPdf(receipt)).byteLength],
  ];
  const result: ReceiptsBenchResult = { iterations: n, formats: [] };
  for (const [format, render] of renderers) {
    let bytes = 0;
    for (let i = 0; i < warmup; i++) bytes = await render();
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await render();
      times.push(performance.now() - t0);
    }
    const s = summarize(times);
    result.formats.push({ format, p50: s.p50, p95: s.p95, bytes });
  }
  console.log(`\nReceipt render, typical card-present receipt, ${n} renders each after ${warmup} warm-up`);
  console.log(`  ${'format'.padEnd(8)} ${'median'.padStart(10)} ${'p95'.padStart(10)} ${'size'.padStart(10)}`);
  for (const f of result.formats) {
    console.log(
      `  ${f.format.padEnd(8)} ${ms(f.p50, 3).padStart(10)} ${ms(f.p95, 3).padStart(10)} ${`${(f.bytes / 1024).toFixed(1)} KB`.padStart(10)}`,
    );
  }
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '1000' } } });
  await benchReceipts({ iterations: Number(values.iterations) });
}
