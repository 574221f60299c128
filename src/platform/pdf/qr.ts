/**
 * QR codes drawn into a PDF as vector squares (no raster image): sharp at any zoom, deterministic,
 * and small. The matrix comes from the `qrcode` package; the quiet zone (4 modules) is left blank.
 */
import QRCode from 'qrcode';

/** The subset of a pdfkit document this helper draws with. */
interface Canvas {
  rect(x: number, y: number, w: number, h: number): unknown;
  fill(color?: string): unknown;
  save(): unknown;
  restore(): unknown;
}

export const QR_QUIET_ZONE = 4;

/** The dark modules of the QR code of `text`, as a size × size matrix (true = dark). */
export function qrMatrix(text: string): boolean[][] {
  // Level M (15 % redundancy): enough for a printed page, keeps the code small for long URLs.
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const out: boolean[][] = [];
  for (let r = 0; r < modules.size; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < modules.size; c++) row.push(modules.data[r * modules.size + c] === 1);
    out.push(row);
  }
  return out;
}

/**
 * Draws the QR code of `url` with its top-left corner (quiet zone included) at (x, y), `size` points
 * wide. Consecutive dark modules of a row are merged into one rectangle.
 */
export function drawQrCode(doc: Canvas, url: string, x: number, y: number, size: number): void {
  const m = qrMatrix(url);
  const n = m.length + 2 * QR_QUIET_ZONE;
  const cell = size / n;
  doc.save();
  for (let r = 0; r < m.length; r++) {
    const row = m[r]!;
    let c = 0;
    while (c < row.length) {
      if (!row[c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < row.length && row[c]) c++;
      doc.rect(x + (start + QR_QUIET_ZONE) * cell, y + (r + QR_QUIET_ZONE) * cell, (c - start) * cell, cell);
    }
  }
  doc.fill('#000000');
  doc.restore();
}
