/**
 * A look at the rendered receipt: the thermal printer's receipt as receiptline draws it (the same
 * document the ESC/POS bytes come from), rendered by Chromium. The image must be a receipt-width
 * column with ink on it, and its text must carry what the issue lists; the PNG is kept under
 * test-results (and docs/screenshots with RECEIPT_SCREENSHOT=1) for a person to look at.
 */
import { expect, test } from '@playwright/test';
import { buildReceipt } from '../../electron/main/services/receipts/receipt-model';
import { RECEIPT_CPL, renderSvg } from '../../electron/main/services/receipts/escpos';
import { cardPresentInput } from '../fixtures/receipts';

test('the card-present training receipt renders as an 80 mm column with the amount, card, EMV fields and training marks', async ({
  page,
}, info) => {
  const svg = renderSvg(buildReceipt({ ...cardPresentInput(), training: true }));
  await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
  const image = page.locator('svg').first();
  const box = (await image.boundingBox())!;
  // receiptline draws each of the roll's characters per line 12 px wide (42 on an 80 mm roll): a tall, narrow column.
  expect(box.width).toBe(RECEIPT_CPL * 12);
  expect(box.height).toBeGreaterThan(box.width);

  const text = (await image.textContent())!.replace(/\s+/g, ' ');
  for (const part of [
    'Riverside Billing Co.',
    '$125.50',
    '4242',
    'VISA CREDIT',
    'A0000000031010',
    '123456',
    'pi_3PqRsT2eZvKYlo2C1aBcDeFg',
    'Dana Ortiz',
    'Jordan Avery',
  ]) {
    expect(text).toContain(part);
  }
  expect(text.match(/TRAINING/g)?.length).toBe(2);

  const png = await image.screenshot({ path: info.outputPath('receipt-card-present.png') });
  if (process.env['RECEIPT_SCREENSHOT']) await image.screenshot({ path: 'docs/screenshots/receipt.png' });
  // Ink on paper: a good share of the pixels are dark (text), not a blank or broken render.
  const dark = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, img.width, img.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 1]! < 128 && data[i + 2]! < 128) n++;
    return n / (img.width * img.height);
  }, png.toString('base64'));
  expect(dark).toBeGreaterThan(0.01);
  expect(dark).toBeLessThan(0.5);
});
