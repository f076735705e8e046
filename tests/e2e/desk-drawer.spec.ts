/**
 * The cash drawer at the desk, in training mode through the browser preview, with a network receipt
 * printer on 127.0.0.1 (a TCP listener standing in for the physical one): cash with no open drawer
 * asks to open one (opened in the dialog with its float) → cash with change (the drawer kicks open:
 * the printer gets ESC p) → a paid-out → close with a count $7.00 short, which needs the manager's PIN
 * → the close report printed as one ESC/POS job, the kick first.
 */
import { createConfStore } from '../../electron/main/services/settings/conf-store';
import { SettingsService } from '../../electron/main/services/settings/settings-service';
import { DRAWER_KICK } from '../../electron/main/services/drawer/drawer-report';
import { printedLines, printedRows, startTestPrinter } from '../helpers/receipt-printer';
import { createManager, expectNoAxeViolations, MANAGER, openCustomer, payAtDesk, shot } from './desk-helpers';
import { expect, test } from './fixtures';

test('open drawer → cash with change → paid-out → close with a variance the manager approves → printed close report with the kick', async ({
  page,
  preview,
}) => {
  const printer = await startTestPrinter();
  try {
    new SettingsService(createConfStore(preview.dataDir)).update({
      receiptPrinter: { kind: 'network', host: '127.0.0.1', port: printer.port },
      drawerVarianceLimit: 500,
    });
    await createManager(page);
    await openCustomer(page, 'James', 'James Wilson');
    await payAtDesk(page);

    // Cash with no open drawer: the dialog asks to open one; Record stays off until it is.
    await page.getByRole('radio', { name: 'Cash' }).check();
    const ask = page.getByTestId('desk-pay-no-drawer');
    await expect(ask).toContainText('No cash drawer is open at this station');
    await expect(page.getByTestId('desk-pay-submit')).toBeDisabled();
    await expectNoAxeViolations(page);
    await page.getByLabel('Counted float').fill('100.00');
    await page.getByTestId('desk-pay-open-drawer').click();
    await expect(ask).toBeHidden();

    // $12.34 paid with a $20 bill: the change is shown before and after; the drawer kicks open.
    await page.getByLabel('Amount').fill('12.34');
    await page.getByLabel('Cash handed over').fill('20.00');
    await expect(page.getByTestId('desk-change-due')).toHaveText('Change to give: $7.66');
    await page.getByTestId('desk-pay-submit').click();
    await expect(page.getByTestId('desk-pay-result')).toHaveAttribute('data-status', 'sent');
    await expect(page.getByTestId('desk-result-change')).toHaveText('Give $7.66 in change.');
    await expect.poll(() => printer.jobs.length).toBe(1);
    expect([...printer.jobs[0]!]).toEqual([...DRAWER_KICK]);
    await page.getByTestId('desk-pay-done').click();

    // The drawer: float + cash; then a paid-out with its reason (more than the cash is refused).
    await page.getByTestId('desk-tab-drawer').click();
    await expect(page.getByTestId('drawer-expected')).toHaveText('$112.34');
    await page.getByRole('radio', { name: 'Paid out' }).check();
    await page.getByLabel('Amount').fill('200.00');
    await page.getByLabel('Reason').fill('bank deposit');
    await page.getByTestId('drawer-move-submit').click();
    await expect(page.getByTestId('drawer-error')).toHaveText(
      'The drawer only holds $112.34 in cash: a paid-out cannot be more than that.',
    );
    await page.getByLabel('Amount').fill('15.00');
    await page.getByLabel('Reason').fill('postage stamps');
    await page.getByTestId('drawer-move-submit').click();
    await expect(page.getByTestId('drawer-notice')).toHaveText('Paid out $15.00 recorded.');
    await expect(page.getByTestId('drawer-expected')).toHaveText('$97.34');
    await expect(page.getByTestId('drawer-move-row')).toHaveCount(3);
    await expectNoAxeViolations(page);
    await shot(page, 'desk-drawer-open');

    // Close: $90.34 counted, $7.00 short, over the $5.00 limit → the manager's name and PIN.
    const count = { 'bill:2000': '4', 'bill:1000': '1', 'coin:25': '1', 'coin:5': '1', 'coin:1': '4' };
    for (const [key, n] of Object.entries(count)) await page.getByTestId(`count-${key}`).fill(n);
    await expect(page.getByTestId('drawer-counted')).toHaveText('Counted cash: $90.34');
    await page.getByTestId('drawer-close-submit').click();
    await expect(page.getByTestId('drawer-error')).toHaveText(
      'The count is off by $7.00, more than $5.00: a manager must approve with their PIN.',
    );
    const jobsBefore = printer.jobs.length;
    await page.getByLabel('Manager name').fill(MANAGER.name);
    await page.getByLabel('Manager PIN').fill('999999');
    await page.getByTestId('drawer-close-submit').click();
    await expect(page.getByTestId('drawer-error')).toHaveText('That manager name and PIN do not match.');
    await expect(page.getByTestId('drawer')).toHaveAttribute('data-state', 'open');
    await page.getByLabel('Manager PIN').fill(MANAGER.pin);
    await page.getByTestId('drawer-close-submit').click();
    await expect(page.getByTestId('drawer-notice')).toHaveText('The drawer is closed and its report is printing.');
    await expect(page.getByTestId('drawer-closed-variance')).toHaveText('-$7.00');
    await expect(page.getByTestId('drawer')).toHaveAttribute('data-state', 'none');
    await expectNoAxeViolations(page);
    await shot(page, 'desk-drawer-closed');

    // The close report: one ESC/POS job that starts with the kick pulse, with the drawer's figures.
    await expect.poll(() => printer.jobs.length).toBe(jobsBefore + 1);
    const job = printer.jobs.at(-1)!;
    expect([...job.subarray(0, DRAWER_KICK.length)]).toEqual([...DRAWER_KICK]);
    expect(printedLines(job)[1]).toEqual(['Cash drawer close']);
    const rows = printedRows(job);
    expect(rows.get('Float')).toBe('$100.00');
    expect(rows.get('Cash payments (1)')).toBe('$12.34');
    expect(rows.get('Change given')).toBe('$7.66');
    expect(rows.get('Paid out')).toBe('-$15.00');
    expect(rows.get('Expected')).toBe('$97.34');
    expect(rows.get('Counted')).toBe('$90.34');
    expect(rows.get('Variance')).toBe('-$7.00');
    expect(rows.get('Approved by')).toBe(MANAGER.name);
  } finally {
    await printer.off();
  }
});
