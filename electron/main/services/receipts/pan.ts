/**
 * Card-number (PAN) detection for receipt text. A receipt may carry the last 4 digits only, so any
 * field that contains something shaped like a full card number is refused before it is rendered.
 *
 * "Shaped like a card number": 13–19 digits, optionally grouped by single spaces, dashes or dots,
 * starting with 2–6 (every major network: Visa 4, Mastercard 2/5, Amex 3, Discover/UnionPay 6 ...),
 * and passing the Luhn check. Digit runs longer than 19 are searched for such a number inside them.
 * Millisecond timestamps (13 digits starting with 1) and EMV AIDs such as A0000000031010 (run starts
 * with 0) are therefore not mistaken for card numbers.
 */
const DIGIT_RUN = /\d(?:[ .-]?\d)*/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const panShaped = (digits: string): boolean => digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits);

export function containsPan(text: string): boolean {
  for (const match of text.matchAll(DIGIT_RUN)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length < 13) continue;
    if (digits.length <= 19) {
      if (panShaped(digits)) return true;
      continue;
    }
    for (let start = 0; start + 13 <= digits.length; start++) {
      for (let len = 13; len <= 19 && start + len <= digits.length; len++) {
        if (panShaped(digits.slice(start, start + len))) return true;
      }
    }
  }
  return false;
}
