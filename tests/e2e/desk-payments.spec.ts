/**
 * Taking payments at the desk (issue 5): card on the reader with the training test cards (approved
 * with the receipt fields, declined, canceled), cash and check, a manager's refund, and the report.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createManager, expectNoAxeViolations, openCustomer, openDrawerIfAsked, payAtDesk, refreshUntil, shot } from './desk-helpers';

async function amount(page: Page, text: string): Promise<void> {
  await page.getByLabel('Amount').fill(text);
}

test('card on reader: Visa approved with receipt fields, a decline, Cancel mid-payment; refund; report totals', async ({ page }) => {
  await createManager(page);
  await openCustomer(page, 'Maria', 'Maria Garcia');

  await payAtDesk(page);
  await expect(page.getByLabel('Amount')).not.toHaveValue('');
  await amount(page, '12.34');
  await expect(page.getByTestId('desk-reader')).not.toHaveValue('');
  await expectNoAxeViolations(page);
  await shot(page, 'desk-pay-form');
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-reader-status').getByText('Insert, tap or swipe the card on the reader')).toBeVisible();
  await expect(page.getByTestId('desk-card-stage')).toHaveText('Waiting for the card');
  await expectNoAxeViolations(page);
  await shot(page, 'desk-pay-reader');
  await page.getByRole('button', { name: 'Present test card: Visa' }).click();
  const result = page.getByTestId('desk-pay-result');
  await expect(result).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('desk-pay-result-title')).toHaveText('Payment approved');
  await expect(page.getByTestId('desk-result-amount')).toHaveText('$12.34');
  await expect(page.getByTestId('desk-result-card')).toContainText('Visa ending in');
  await expect(page.getByTestId('desk-result-confirmation')).toHaveText(/^pi_/);
  await expect(page.getByTestId('receipt-application')).not.toHaveText('');
  await expect(page.getByTestId('receipt-aid')).toHaveText(/^A0/);
  await expect(page.getByTestId('receipt-auth')).not.toHaveText('—');
  await page.getByTestId('desk-print').click();
  await expect(page.getByTestId('desk-print-answer')).toBeVisible();
  await expectNoAxeViolations(page);
  await shot(page, 'desk-pay-approved');
  await page.getByTestId('desk-pay-done').click();

  // A decline.
  await payAtDesk(page);
  await amount(page, '5.00');
  await page.getByTestId('desk-pay-submit').click();
  await page.getByRole('button', { name: 'Present test card: Declined' }).click();
  await expect(result).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('desk-pay-message')).not.toBeEmpty();
  await shot(page, 'desk-pay-declined');

  // Cancel mid-payment.
  await page.getByTestId('desk-pay-again').click();
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-card-stage')).toHaveText('Waiting for the card');
  await page.getByTestId('desk-card-cancel').click();
  await expect(result).toHaveAttribute('data-status', 'canceled');
  await expect(page.getByTestId('desk-pay-result-title')).toHaveText('The card payment was canceled');
  await page.getByTestId('desk-pay-done').click();

  // Refund the approved payment as the manager.
  const paid = page.getByTestId('desk-payment-row').filter({ hasText: '$12.34' }).first();
  await refreshUntil(page, () => expect(paid).toBeVisible({ timeout: 500 }));
  // Partial first (over the paid amount is refused in the dialog), with a reason; then the rest.
  await paid.getByTestId('refund').click();
  const refundAmount = page.getByTestId('refund-amount');
  await expect(refundAmount).toHaveValue('12.34');
  await refundAmount.fill('20');
  await page.getByTestId('refund-confirm').click();
  await expect(page.getByTestId('refund-amount-error')).toHaveText('The refund cannot be more than the $12.34 paid.');
  await refundAmount.fill('2.34');
  await page.getByTestId('refund-reason').selectOption('duplicate');
  await expectNoAxeViolations(page);
  await page.getByTestId('refund-confirm').click();
  await expect(page.getByTestId('desk-action-result')).toHaveText('Refunded $2.34.');
  await expect(page.getByTestId('desk-refund')).toHaveCount(0);
  await paid.getByTestId('refund').click();
  await expect(page.getByTestId('refund-left')).toHaveText('$10.00 of it can still be refunded.');
  await expect(refundAmount).toHaveValue('10.00');
  await page.getByTestId('refund-confirm').click();
  await expect(page.getByTestId('desk-action-result')).toHaveText('Refunded $10.00.');

  // The report shows the payment taken and the refund.
  await page.getByTestId('desk-tab-report').click();
  await expect(page.getByTestId('report-total')).toHaveText('$12.34');
  await expect(page.getByTestId('report-refunds')).toHaveText('$12.34');
  await expect(page.getByTestId('report-by-method').locator('tr[data-method="card_present"]')).toContainText('$12.34');
  await expect(page.getByTestId('report-by-staff')).toContainText('Dana Manager');
  const download = page.waitForEvent('download');
  await page.getByTestId('report-csv').click();
  expect((await download).suggestedFilename()).toMatch(/^report-\d{4}-\d{2}-\d{2}-station\.csv$/);
  await expectNoAxeViolations(page);
  await shot(page, 'desk-report');
});

test('cash and check: a check needs its number; both are sent and credit the invoice; queue shows a queued item when offline', async ({
  page,
  preview,
}) => {
  await createManager(page);
  await openCustomer(page, 'James', 'James Wilson');

  const cents = async (): Promise<number> =>
    Math.round(Number(((await row.getByTestId('desk-invoice-remaining').textContent()) ?? '').replace(/[$,]/g, '')) * 100);
  const first = page
    .getByTestId('desk-invoice-row')
    .filter({ has: page.getByTestId('pay-at-desk') })
    .first();
  const row = page.locator(`[data-testid="desk-invoice-row"][data-number="${(await first.getAttribute('data-number')) ?? ''}"]`);
  const before = await cents();
  await payAtDesk(page);
  await page.getByRole('radio', { name: 'Check' }).check();
  await amount(page, '10.00');
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('check-error')).toBeVisible();
  await expect(page.getByLabel('Check number')).toBeFocused();
  await page.getByLabel('Check number').fill('1042');
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-pay-result')).toHaveAttribute('data-status', 'sent');
  await expect(page.getByTestId('desk-pay-result-title')).toHaveText('Payment recorded and sent');
  await page.getByTestId('desk-pay-done').click();

  await row.getByTestId('pay-at-desk').click();
  await page.getByRole('radio', { name: 'Cash' }).check();
  await openDrawerIfAsked(page);
  await amount(page, '5.00');
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-pay-result')).toHaveAttribute('data-status', 'sent');
  await page.getByTestId('desk-pay-done').click();
  // The report counts both (the invoice's remaining amount follows with the next sync of the local copy).
  expect(before).toBeGreaterThan(1500);
  await page.getByTestId('desk-tab-report').click();
  await expect(page.getByTestId('report-by-method').locator('tr[data-method="check"]')).toContainText('$10.00');
  await expect(page.getByTestId('report-by-method').locator('tr[data-method="cash"]')).toContainText('$5.00');
  await expect(page.getByTestId('report-total')).toHaveText('$15.00');
  await openCustomer(page, 'James', 'James Wilson');

  // Offline: cash is queued and shows in the Queue tab.
  await preview.outage('refuse');
  await row.getByTestId('pay-at-desk').click();
  await page.getByRole('radio', { name: 'Cash' }).check();
  await openDrawerIfAsked(page);
  await amount(page, '1.00');
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-pay-result')).toHaveAttribute('data-status', 'queued');
  await expect(page.getByTestId('desk-pay-result-title')).toHaveText('Queued — will be sent when the connection returns');
  await page.getByTestId('desk-pay-done').click();
  await page.getByTestId('desk-tab-queue').click();
  const queued = page.getByTestId('queue-row').filter({ hasText: '$1.00' });
  await expect(queued).toHaveAttribute('data-state', /queued|sending|failed/);
  await expect(queued).toContainText('Cash');
  await expectNoAxeViolations(page);
  await shot(page, 'desk-queue');
  await preview.outage('off');
});
