import type { Stripe, StripeElements, StripeElementLocale, StripePaymentElement } from '@stripe/stripe-js';
// The "pure" entry loads Stripe.js only when loadStripe() is called (live mode), never on import.
import { loadStripe } from '@stripe/stripe-js/pure';
import { onScopeDispose, ref, shallowRef } from 'vue';
import type { DeclineReason, PaymentType } from '../../../electron/shared/contract';

/** Stripe.js error codes → the reasons the result popup explains (lost and stolen read as a decline). */
const REASONS: Record<string, DeclineReason> = {
  insufficient_funds: 'insufficient_funds',
  expired_card: 'expired_card',
  incorrect_cvc: 'incorrect_cvc',
  invalid_cvc: 'incorrect_cvc',
  incorrect_number: 'incorrect_number',
  invalid_number: 'incorrect_number',
  processing_error: 'processing_error',
};

export function declineReasonOf(code: string | undefined, declineCode: string | undefined): DeclineReason {
  if (declineCode && REASONS[declineCode]) return REASONS[declineCode];
  if (code && REASONS[code]) return REASONS[code];
  if (code?.startsWith('payment_method_microdeposit')) return 'verification_failed';
  if (code?.startsWith('bank_account') || code === 'account_closed' || code === 'no_account') return 'bank_account_problem';
  if (code === 'card_declined' || declineCode) return 'card_declined';
  return 'other';
}

export type ConfirmResult =
  | { kind: 'confirmed' }
  /** The customer must fix something the Element itself shows (an empty or bad field). */
  | { kind: 'invalid' }
  | { kind: 'declined'; reason: DeclineReason; message: string };

/**
 * Live mode: Stripe.js and the Payment Element. Card and bank numbers are typed into Stripe's own
 * iframe and never reach this app. `mount` loads Stripe.js with the publishable key and mounts the
 * element for the intent's client secret; `confirm` confirms without leaving the page.
 */
export function useStripePayment() {
  const state = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const stripe = shallowRef<Stripe | null>(null);
  let elements: StripeElements | null = null;
  let element: StripePaymentElement | null = null;

  async function mount(options: {
    publishableKey: string;
    clientSecret: string;
    paymentType: PaymentType;
    locale: StripeElementLocale;
    container: HTMLElement;
  }): Promise<void> {
    state.value = 'loading';
    try {
      stripe.value = await loadStripe(options.publishableKey, { locale: options.locale });
      if (!stripe.value) throw new Error('Stripe.js did not load');
      elements = stripe.value.elements({ clientSecret: options.clientSecret, locale: options.locale });
      element = elements.create('payment', {
        paymentMethodOrder: [options.paymentType],
        wallets: { applePay: 'never', googlePay: 'never' },
      });
      element.on('ready', () => {
        state.value = 'ready';
      });
      element.mount(options.container);
    } catch {
      state.value = 'error';
    }
  }

  async function confirm(): Promise<ConfirmResult> {
    if (!stripe.value || !elements) return { kind: 'invalid' };
    const { error } = await stripe.value.confirmPayment({ elements, redirect: 'if_required' });
    if (!error) return { kind: 'confirmed' };
    if (error.type === 'validation_error') return { kind: 'invalid' };
    return { kind: 'declined', reason: declineReasonOf(error.code, error.decline_code), message: error.message ?? '' };
  }

  function focus(): void {
    element?.focus();
  }

  function destroy(): void {
    element?.destroy();
    element = null;
    elements = null;
    stripe.value = null;
    state.value = 'idle';
  }

  onScopeDispose(destroy);

  return { state, mount, confirm, focus, destroy };
}
