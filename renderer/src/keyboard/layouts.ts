/**
 * The on-screen keyboard's layouts (simple-keyboard's format: rows of space-separated keys, `{name}`
 * for function keys) and the rule that picks one for a field from the attributes it already has.
 * Pure: no DOM beyond reading a few attributes, so it is unit-tested under Node.
 */

export type KeyboardKind = 'alpha' | 'email' | 'numeric' | 'decimal' | 'phone';

/** The attributes the rule reads (an HTMLInputElement has them all). */
export interface FieldTraits {
  type: string;
  inputMode: string;
  /** `data-keyboard` on the field: an explicit choice wins, `off` keeps the keyboard closed. */
  keyboard?: string | undefined;
}

/** Input types that take typed text. Radios, checkboxes, dates and the like never open the keyboard. */
const TEXT_TYPES = new Set(['text', 'email', 'tel', 'password', 'search', 'url', 'number']);

const KINDS: readonly KeyboardKind[] = ['alpha', 'email', 'numeric', 'decimal', 'phone'];

function isKind(value: string | undefined): value is KeyboardKind {
  return (KINDS as readonly string[]).includes(value ?? '');
}

/** Which layout a field gets, or null when it takes no on-screen keyboard. */
export function keyboardKindFor(field: FieldTraits): KeyboardKind | null {
  if (field.keyboard === 'off') return null;
  if (!TEXT_TYPES.has(field.type)) return null;
  if (isKind(field.keyboard)) return field.keyboard;
  if (field.type === 'email' || field.inputMode === 'email') return 'email';
  if (field.inputMode === 'numeric' || field.type === 'number') return 'numeric';
  if (field.inputMode === 'decimal') return 'decimal';
  if (field.type === 'tel' || field.inputMode === 'tel') return 'phone';
  return 'alpha';
}

export interface KeyboardLayout {
  /** simple-keyboard layouts by name: `default` and, where letters have case, `shift`. */
  layout: Record<string, string[]>;
  /** Narrow pads are centred instead of spanning the screen. */
  narrow: boolean;
}

const LETTERS = {
  default: ['1 2 3 4 5 6 7 8 9 0 {bksp}', 'q w e r t y u i o p', 'a s d f g h j k l ñ', "{shift} z x c v b n m - ' {shift}"],
  shift: ['# & ( ) / , . : ? _ {bksp}', 'Q W E R T Y U I O P', 'A S D F G H J K L Ñ', '{shift} Z X C V B N M á é {shift}'],
};

export const LAYOUTS: Record<KeyboardKind, KeyboardLayout> = {
  alpha: {
    layout: { default: [...LETTERS.default, '{space} {done}'], shift: [...LETTERS.shift, '{space} {done}'] },
    narrow: false,
  },
  email: {
    layout: {
      default: [
        '1 2 3 4 5 6 7 8 9 0 {bksp}',
        'q w e r t y u i o p',
        'a s d f g h j k l @',
        '{shift} z x c v b n m _ - {shift}',
        '. .com {done}',
      ],
      shift: [
        '1 2 3 4 5 6 7 8 9 0 {bksp}',
        'Q W E R T Y U I O P',
        'A S D F G H J K L @',
        '{shift} Z X C V B N M + - {shift}',
        '. .com {done}',
      ],
    },
    narrow: false,
  },
  numeric: { layout: { default: ['1 2 3', '4 5 6', '7 8 9', '{bksp} 0 {done}'] }, narrow: true },
  decimal: { layout: { default: ['1 2 3', '4 5 6', '7 8 9', '. 0 {bksp}', '{done}'] }, narrow: true },
  phone: { layout: { default: ['1 2 3', '4 5 6', '7 8 9', '( 0 )', '- + {bksp}', '{done}'] }, narrow: true },
};

/** What a key press does to the field. */
export type KeyAction = { kind: 'insert'; text: string } | { kind: 'backspace' } | { kind: 'shift' } | { kind: 'done' } | { kind: 'none' };

export function keyAction(button: string): KeyAction {
  switch (button) {
    case '{bksp}':
      return { kind: 'backspace' };
    case '{shift}':
      return { kind: 'shift' };
    case '{done}':
      return { kind: 'done' };
    case '{space}':
      return { kind: 'insert', text: ' ' };
    default:
      return button.startsWith('{') && button.endsWith('}') ? { kind: 'none' } : { kind: 'insert', text: button };
  }
}
