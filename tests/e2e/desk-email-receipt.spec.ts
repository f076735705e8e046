/**
 * Email receipt at the front desk, in training mode through the browser preview: with no mail server
 * set up, the e-mail is composed as it would be sent and saved as an .eml file in the station's data
 * folder (<dataDir>/training-mail/), and the clerk is told it was saved, not sent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { expect, test } from './fixtures';
import { createManager, expectNoAxeViolations, openCustomer, openDrawerIfAsked, payAtDesk, shot } from './desk-helpers';

test('cash payment, then Email receipt: saved as an .eml for the customer, the answer announced', async ({ page, preview }) => {
  await createManager(page);
  await openCustomer(page, 'Maria', 'Maria Garcia');

  await payAtDesk(page);
  await page.getByRole('radio', { name: 'Cash' }).check();
  await openDrawerIfAsked(page);
  await page.getByLabel('Amount').fill('5.00');
  await page.getByTestId('desk-pay-submit').click();
  await expect(page.getByTestId('desk-pay-result')).toHaveAttribute('data-status', 'sent');

  const email = page.getByTestId('desk-pay').getByRole('button', { name: 'Email receipt' });
  await expect(email).toBeVisible();
  const box = await email.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await email.click();

  const answer = page.getByTestId('desk-email-answer');
  await expect(answer).toHaveAttribute('data-sent', 'true');
  await expect(answer).toContainText('Training mode: the email was not sent. It was saved as training-mail/');
  // The answer is inside a live region, so a screen reader hears it without moving focus.
  await expect(page.getByRole('status').filter({ has: answer })).toHaveCount(1);
  await expectNoAxeViolations(page);
  await shot(page, 'desk-email-receipt');

  const dir = join(preview.dataDir, 'training-mail');
  const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  expect(files).toHaveLength(1);
  expect(await answer.textContent()).toContain(files[0]);
  const eml = readFileSync(join(dir, files[0]!));
  expect(eml.toString('utf8')).toContain('To: maria.garcia@example.com');
  const mail = await simpleParser(eml);
  expect(mail.subject).toBe('[TRAINING — NOT A REAL PAYMENT] Payment receipt — City Utilities Billing');
  expect(mail.text).toContain('Amount: $5.00');
  const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
  expect(pdf?.content.subarray(0, 4).toString()).toBe('%PDF');
  await page.getByTestId('desk-pay-done').click();
});
