/**
 * An invoice number as one spelling: what Stripe's search is asked for and what a guest's wrong
 * tries are counted under, so `num'`, `'NUM` and ` NU M` are the same invoice (and the same lock).
 * Stripe's numbers are a prefix, a dash and digits. No Node, no DOM.
 */
export function canonicalInvoiceNumber(typed: string): string {
  return typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^A-Z0-9-]/g, '');
}
