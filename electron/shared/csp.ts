/**
 * The Content-Security-Policy for the renderer, sent as a header by the Electron protocol handler
 * and the browser preview. Only Stripe's own hosts are allowed beyond the app itself (Stripe.js for
 * the live-mode card entry and the Terminal JS SDK).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' https://js.stripe.com",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https://*.stripe.com",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* https://api.stripe.com https://*.stripe.com",
  'frame-src https://js.stripe.com https://hooks.stripe.com',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
