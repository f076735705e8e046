import type { MethodSummary } from '../../../electron/shared/contract';
import { useI18n } from '../i18n';

/** Card brands as people say them; anything else is shown with a capital letter. */
const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

function brandName(brand: string | null): string | null {
  if (!brand) return null;
  return BRANDS[brand.toLowerCase()] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}

function bankName(name: string | null): string | null {
  if (!name) return null;
  // Stripe gives bank names in capitals ("STRIPE TEST BANK"); shown in title case.
  return name.toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase());
}

/** "Visa ending in 4242", "Stripe Test Bank ending in 6789", and the expiry "Expires 12/29". */
export function useMethodText() {
  const { t } = useI18n();

  function methodText(method: MethodSummary): string {
    if (method.type === 'cash') return t('method.cash');
    if (method.type === 'check') return t('method.check');
    if (method.type === 'us_bank_account') {
      const bank = bankName(method.bankName) ?? t('method.someBank');
      return method.last4 ? t('method.bank', { bank, last4: method.last4 }) : bank;
    }
    const brand = brandName(method.brand) ?? t('method.someCard');
    return method.last4 ? t('method.card', { brand, last4: method.last4 }) : brand;
  }

  /** "12/29", or '' for a bank account. */
  function expiryDate(method: MethodSummary): string {
    if (method.expMonth === null || method.expYear === null) return '';
    return `${String(method.expMonth).padStart(2, '0')}/${String(method.expYear % 100).padStart(2, '0')}`;
  }

  function expiryText(method: MethodSummary): string {
    const date = expiryDate(method);
    return date ? t('method.expires', { date }) : '';
  }

  return { methodText, expiryText, expiryDate };
}
