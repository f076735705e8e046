import { describe, expect, it } from 'vitest';
import { keyAction, keyboardKindFor, LAYOUTS } from '../../renderer/src/keyboard/layouts';

describe('on-screen keyboard layouts', () => {
  it('picks a layout from the attributes a field already has', () => {
    expect(keyboardKindFor({ type: 'email', inputMode: 'email' })).toBe('email');
    expect(keyboardKindFor({ type: 'text', inputMode: 'numeric' })).toBe('numeric');
    expect(keyboardKindFor({ type: 'text', inputMode: 'decimal' })).toBe('decimal');
    expect(keyboardKindFor({ type: 'tel', inputMode: 'tel' })).toBe('phone');
    expect(keyboardKindFor({ type: 'text', inputMode: '' })).toBe('alpha');
    expect(keyboardKindFor({ type: 'password', inputMode: '' })).toBe('alpha');
    // data-keyboard wins, and turns it off for one field.
    expect(keyboardKindFor({ type: 'text', inputMode: 'numeric', keyboard: 'alpha' })).toBe('alpha');
    expect(keyboardKindFor({ type: 'text', inputMode: '', keyboard: 'off' })).toBeNull();
    for (const type of ['radio', 'checkbox', 'button', 'date', 'range']) expect(keyboardKindFor({ type, inputMode: '' })).toBeNull();
  });

  it('gives every layout Backspace and Done, and the letter layouts Shift', () => {
    for (const [kind, { layout }] of Object.entries(LAYOUTS)) {
      const keys = Object.values(layout).flatMap((rows) => rows.join(' ').split(' '));
      expect(keys, kind).toContain('{bksp}');
      expect(keys, kind).toContain('{done}');
      if (kind === 'alpha' || kind === 'email') expect(layout['shift'], kind).toBeDefined();
    }
    const email = LAYOUTS.email.layout['default']!.join(' ').split(' ');
    expect(email).toEqual(expect.arrayContaining(['@', '.com', '.']));
    expect(
      LAYOUTS.numeric.layout['default']!.join(' ')
        .split(' ')
        .filter((k) => /^\d$/.test(k)),
    ).toHaveLength(10);
  });

  it('maps keys to what they do', () => {
    expect(keyAction('a')).toEqual({ kind: 'insert', text: 'a' });
    expect(keyAction('.com')).toEqual({ kind: 'insert', text: '.com' });
    expect(keyAction('{space}')).toEqual({ kind: 'insert', text: ' ' });
    expect(keyAction('{bksp}')).toEqual({ kind: 'backspace' });
    expect(keyAction('{shift}')).toEqual({ kind: 'shift' });
    expect(keyAction('{done}')).toEqual({ kind: 'done' });
    expect(keyAction('{tab}')).toEqual({ kind: 'none' });
  });
});
