/**
 * The page a kiosk shows when it cannot run: no script, no network, no renderer bundle, so it shows
 * even when the app's own page is what keeps failing. English and Spanish, like the app.
 */
export interface OutOfOrderInfo {
  stationId: string;
  /** When it went out of order (ISO text for the staff who come to look). */
  since: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function outOfOrderHtml(info: OutOfOrderInfo): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Out of order</title>
<style>
body{margin:0;height:100vh;display:flex;align-items:center;justify-content:center;background:#f6f7f9;color:#1d2433;font-family:system-ui,sans-serif;text-align:center}
h1{font-size:3rem;margin:0 0 1rem} p{font-size:1.6rem;margin:.5rem} small{display:block;margin-top:3rem;color:#5b6577;font-size:1rem}
</style></head>
<body><main>
<h1>Out of order</h1>
<p>This kiosk is out of order. Please see the front desk.</p>
<p lang="es">Este quiosco no funciona. Por favor, acuda a la recepción.</p>
<small>${escape(info.stationId)} · ${escape(info.since)}</small>
</main></body></html>`;
}

export function outOfOrderDataUrl(info: OutOfOrderInfo): string {
  return `data:text/html;charset=utf-8,${encodeURIComponent(outOfOrderHtml(info))}`;
}
