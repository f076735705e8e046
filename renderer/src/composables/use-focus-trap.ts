import type { Ref } from 'vue';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab and Shift+Tab inside a modal <dialog>. showModal() makes the page behind inert, but
 * Chromium still lets Tab leave the document (to the browser's own UI); at a kiosk focus must stay
 * on the popup. Use as the dialog's `@keydown`.
 */
export function useFocusTrap(container: Ref<HTMLElement | null>) {
  function onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Tab' || !container.value) return;
    const items = [...container.value.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (el) => el.offsetParent !== null || el === document.activeElement,
    );
    if (items.length === 0) {
      event.preventDefault();
      return;
    }
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = document.activeElement;
    const inside = active instanceof HTMLElement && container.value.contains(active);
    if (event.shiftKey && (active === first || !inside || active === container.value.querySelector('[tabindex="-1"]'))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  }
  return { onKeydown };
}
