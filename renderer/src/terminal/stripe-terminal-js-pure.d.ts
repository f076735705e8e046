/**
 * `@stripe/terminal-js/pure`'s own declaration (pure.d.ts) points at the package's TypeScript sources, which do
 * not compile under this project's `verbatimModuleSyntax`; the adapter
 * imports the same loader from the built file (dist/pure.js, what pure.js re-exports) and types it here.
 */
declare module '@stripe/terminal-js/dist/pure.js' {
  export function loadStripeTerminal(): Promise<unknown>;
}
