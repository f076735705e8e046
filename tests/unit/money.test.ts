/** Money as people type it and as the fields show it: integer cents, no floating point. */
import { describe, expect, it } from 'vitest';
import { amountInputText, formatMoney, MAX_AMOUNT_MINOR, parseAmountInput } from '../../electron/shared/money';

describe('parseAmountInput', () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.05', 1205],
    ['$1,234.56', 123456],
    ['.99', 99],
    ['  7.10 ', 710],
    ['0.01', 1],
    ['999999.99', MAX_AMOUNT_MINOR],
  ])('reads %j as %i cents', (text, minor) => {
    expect(parseAmountInput(text)).toEqual({ ok: true, minor });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'format'],
    ['1.2.3', 'format'],
    ['1e3', 'format'],
    ['12.345', 'decimals'],
    ['0', 'zero'],
    ['0.00', 'zero'],
    ['-5', 'negative'],
    ['1000000', 'too_large'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(parseAmountInput(text)).toEqual({ ok: false, reason });
  });

  it('0.1 + 0.2 style sums stay exact', () => {
    const a = parseAmountInput('0.10');
    const b = parseAmountInput('0.20');
    expect(a.ok && b.ok && a.minor + b.minor).toBe(30);
  });
});

describe('amountInputText', () => {
  it.each([
    [1234, '12.34'],
    [5, '0.05'],
    [100, '1.00'],
    [MAX_AMOUNT_MINOR, '999999.99'],
  ])('shows %i cents as %j, which reads back the same', (minor, text) => {
    expect(amountInputText(minor)).toBe(text);
    expect(parseAmountInput(amountInputText(minor))).toEqual({ ok: true, minor });
  });
});

describe('formatMoney', () => {
  it('formats minor units with the currency', () => {
    expect(formatMoney(123456, 'usd')).toBe('$1,234.56');
    expect(formatMoney(5, 'usd')).toBe('$0.05');
  });
});
