/**
 * What every printer port answers. Printer problems are values, never exceptions: nothing about a
 * payment depends on printing, so the caller just queues the print job again on `ok: false`.
 */
export type PrintFailureCode = 'printer_offline' | 'printer_timeout' | 'out_of_paper' | 'print_failed' | 'no_printer' | 'email_failed';

export type PrintResult = { ok: true; message?: string } | { ok: false; code: PrintFailureCode; message: string };

export const PRINT_MESSAGES = {
  printer_offline: 'The receipt printer is off or not connected',
  printer_timeout: 'The receipt printer did not answer',
  out_of_paper: 'The receipt printer is out of paper',
  no_printer: 'No receipt printer is set up',
  email_failed: 'The receipt could not be emailed',
} as const;

export const printFailure = (code: PrintFailureCode, message?: string): PrintResult => ({
  ok: false,
  code,
  message: message ?? (code === 'print_failed' ? 'The receipt could not be printed' : PRINT_MESSAGES[code]),
});
