import type { ResponseOf } from '../../../electron/shared/contract';
import { useI18n } from '../i18n';

type EmailAnswer = ResponseOf<'deskEmailReceipt'>;
type KioskEmailAnswer = ResponseOf<'kioskEmailReceipt'>;

/**
 * main's e-mail answer in words: sent (to the address on file), saved instead of sent (training
 * mode), or not sent and why. main's own words are the most specific, but they are English.
 */
export function useEmailText() {
  const { t, locale } = useI18n();
  const english = () => locale.value === 'en';

  /** `address`: the customer's address on file, as the screen shows it. */
  function emailText(answer: EmailAnswer, address: string): string {
    const message = answer.message ?? '';
    if (answer.sent) {
      // A message on success: the training mail drop saved it instead of sending it.
      if (message) return english() ? message : t('email.training');
      return t('email.sent', { address });
    }
    if (/not set up/i.test(message)) return t('email.notSetUp');
    if (/no email address on file/i.test(message)) return t('email.noAddress');
    return english() && message ? message : t('email.notSent');
  }

  /** The kiosk's "Email my receipt", in the customer's words: sent to the masked address, saved (training), or not sent. */
  function kioskEmailText(answer: KioskEmailAnswer): string {
    const message = answer.message ?? '';
    if (answer.sent)
      return message ? (english() ? message : t('result.email.training')) : t('result.email.sent', { address: answer.to ?? '' });
    return english() && message ? message : t('result.email.notSent');
  }

  return { emailText, kioskEmailText };
}
