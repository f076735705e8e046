import { qrcode } from 'receiptline';

/** The QR matrix of the confirmation id (same generator and level as the printed receipt): 1 = dark. */
export function qrMatrix(data: string): Uint8Array[] {
  return qrcode.generate({ data, type: 'qrcode', cell: 4, level: 'm' });
}

/** The QR code as a small inline SVG: one path, a 2-module quiet zone, no external resources. */
export function qrSvg(data: string, sizeCss: string): string {
  const m = qrMatrix(data);
  const n = m.length + 4;
  let d = '';
  m.forEach((row, y) => {
    for (let x = 0; x < row.length;) {
      if (!row[x]) {
        x++;
        continue;
      }
      let run = 1;
      while (row[x + run]) run++;
      d += `M${x + 2} ${y + 2}h${run}v1h-${run}z`;
      x += run;
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" width="${sizeCss}" height="${sizeCss}" shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="${n}" height="${n}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}
