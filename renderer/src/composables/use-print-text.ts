import type { ResponseOf } from '../../../electron/shared/contract';
import { useI18n } from '../i18n';

type PrintAnswer = ResponseOf<'deskPrintReceipt'>;

/**
 * main's print answer in words: printed, waiting for the printer ("will print when it is ready"),
 * or not printed (no receipt printer at this station, or another reason from main).
 */
export function usePrintText() {
  const { t, locale } = useI18n();

  function printText(answer: PrintAnswer): string {
    if (answer.printed) return t('print.printed');
    if (answer.queued) return t('print.queued');
    const message = answer.message ?? '';
    if (/no (receipt )?printer|not configured|no printer/i.test(message)) return t('print.noPrinter');
    // main's own words are the most specific, but they are English.
    return locale.value === 'en' && message ? message : t('print.notPrinted');
  }

  return { printText };
}
