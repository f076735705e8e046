/**
 * The end-of-day report's Print button, in training mode through the browser preview: the station's
 * settings name a network receipt printer on 127.0.0.1 (a TCP listener standing in for the physical
 * printer); the manager takes a cash payment, opens the report and presses Print; the answer is
 * announced on the screen and the printed job carries the report's total. With the printer set to
 * none, the same button says to use the PDF.
 */
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { printedLines, startTestPrinter } from '../helpers/receipt-printer';
import { createManager, expectNoAxeViolations, openCustomer, openDrawerIfAsked, payAtDesk, shot } from './desk-helpers';
import { expect, test } from './fixtures';

test('Print on the report screen prints the report on the station’s receipt printer and says so', async ({ page, preview }) => {
  const printer = await startTestPrinter();
  const settings = new SettingsService(createConfStore(preview.dataDir));
  try {
    settings.update({ receiptPrinter: { kind: 'network', host: '127.0.0.1', port: printer.port } });
    await createManager(page);
    await openCustomer(page, 'James', 'James Wilson');
    await payAtDesk(page);
    await page.getByRole('radio', { name: 'Cash' }).check();
    await openDrawerIfAsked(page);
    await page.getByLabel('Amount').fill('7.25');
    await page.getByTestId('desk-pay-submit').click();
    await expect(page.getByTestId('desk-pay-result')).toHaveAttribute('data-status', 'sent');
    await page.getByTestId('desk-pay-done').click();

    await page.getByTestId('desk-tab-report').click();
    await expect(page.getByTestId('report-total')).toHaveText('$7.25');
    const answer = page.getByTestId('report-print-answer');
    await expect(answer).toHaveAttribute('role', 'status');
    await expect(answer).toHaveText('');
    const jobsBefore = printer.jobs.length;
    await page.getByTestId('report-print').click();
    await expect(answer).toHaveText('The report is printing. Take it from the receipt printer.');
    await expect(answer).toHaveAttribute('data-printed', 'true');

    await expect.poll(() => printer.jobs.length).toBe(jobsBefore + 1);
    const lines = printedLines(printer.jobs.at(-1)!);
    expect(lines[1]).toEqual(['End-of-day report']);
    expect(lines.find((l) => l[0] === 'Taken')).toEqual(['Taken', '1', '$7.25']);
    expect(lines.find((l) => l[0] === 'Cash')).toEqual(['Cash', '1', '$7.25']);
    expect(lines.find((l) => l[0] === 'Dana Manager')).toEqual(['Dana Manager', '1', '$7.25']);
    expect(lines.filter((l) => l[0] === 'TRAINING — NOT REAL PAYMENTS')).toHaveLength(2);
    const button = await page.getByTestId('report-print').boundingBox();
    expect(button!.height).toBeGreaterThanOrEqual(44);
    expect(button!.width).toBeGreaterThanOrEqual(44);
    await expectNoAxeViolations(page);
    await shot(page, 'desk-report-printed');

    // No printer at this station: the same button says to use the PDF; nothing reaches the printer.
    settings.update({ receiptPrinter: { kind: 'none', host: '', port: 9100 } });
    await page.getByTestId('report-print').click();
    await expect(answer).toHaveText('No receipt printer is set up at this station. Download the report as a PDF instead.');
    await expect(answer).toHaveAttribute('data-printed', 'false');
    expect(printer.jobs.length).toBe(jobsBefore + 1);
    await expectNoAxeViolations(page);
  } finally {
    await printer.off();
  }
});
