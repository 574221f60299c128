/**
 * The platform's PDF documents (agreements, committee records, attestations, personal data exports)
 * built from one structured description with one template:
 *
 * - the bloc-marque « RÉPUBLIQUE FRANÇAISE » (bold caps, two lines), the motto and the service name
 *   « Conseiller numérique » at the top of the first page;
 * - « Page N sur M » at the bottom of every page;
 * - in the footer of every page, the SHA-256 fingerprint of the document's content.
 *
 * The fingerprint is the lowercase hex SHA-256 of `canonicalJson(description)`: the description
 * (title, subtitle, sections) as JSON, every string in Unicode NFC, object keys sorted by UTF-16
 * code units, `undefined` members left out, no whitespace (see `canonicalJson`). Anyone holding the
 * description (for instance the JSON export beside a PDF) recomputes it with any SHA-256 tool; it
 * does not depend on the PDF bytes, fonts or creation date.
 *
 * Output is deterministic: with the same description and `creationDate`, the same bytes (pdfkit's
 * file ID is derived from the document info, font subsets are named from their content).
 *
 * Font: Marianne, the State's typeface, read from the DSFR package (node_modules/@gouvfr/dsfr/dist/
 * fonts/). pdfkit reads both its WOFF2 and WOFF files through fontkit and embeds a subset, so every
 * French character (é, ç, œ, « », ’) renders and extracts as text; the WOFF files are used, their
 * zlib decoding being about twice as fast as WOFF2's Brotli. Helvetica (standard PDF font, WinAnsi)
 * is the fallback only when those files are missing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type PDFDocument from 'pdfkit';
import type { drawQrCode as DrawQrCode } from './qr.js';

export type PdfBlock =
  | { type: 'paragraph'; text: string; /** Smaller, grey text (notes, legal mentions). */ muted?: boolean }
  /** Label / value rows, the label in bold on the left. */
  | { type: 'rows'; rows: [label: string, value: string][] }
  /** A simple table; `widths` are relative weights of the columns (equal when absent). */
  | { type: 'table'; columns: string[]; rows: string[][]; widths?: number[] }
  /** A QR code of `url` (e.g. a verification page), with a caption beside it. */
  | { type: 'qr'; url: string; caption?: string };

export interface PdfSection {
  heading?: string;
  blocks: PdfBlock[];
}

export interface PdfDescription {
  title: string;
  subtitle?: string;
  sections: PdfSection[];
}

export interface PdfOptions {
  /** The PDF's CreationDate (fixed for reproducible output); now when absent. */
  creationDate?: Date;
  /** Document info: author (e.g. the structure), subject, keywords. */
  author?: string;
  subject?: string;
  /** Service name under the bloc-marque. */
  service?: string;
}

export interface PdfResult {
  bytes: Buffer;
  /** SHA-256 (hex) of the canonical JSON of the description, printed in every page's footer. */
  sha256: string;
}

// ------------------------------------------------------------------------------------------------
// Canonical content and its fingerprint

function canonicalValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.normalize('NFC'));
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError('canonicalJson: nombre non fini');
    return JSON.stringify(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalValue(x))).join(',')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => [k.normalize('NFC'), x] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalValue(x)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: valeur non sérialisable (${typeof v})`);
}

/**
 * The canonical JSON of a value: strings in NFC, object keys sorted by UTF-16 code units,
 * `undefined` members dropped (`null` in arrays), no whitespace. For the strings, integers, booleans
 * and nulls of a description it is the same text as RFC 8785 (JCS).
 */
export function canonicalJson(v: unknown): string {
  return canonicalValue(v);
}

/** The fingerprint printed on a document: hex SHA-256 of the UTF-8 canonical JSON of its description. */
export function contentSha256(description: PdfDescription): string {
  return createHash('sha256').update(canonicalJson(description), 'utf8').digest('hex');
}

// ------------------------------------------------------------------------------------------------
// Fonts

type FontRole = 'regular' | 'bold' | 'italic';
const HELVETICA: Record<FontRole, string> = { regular: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique' };
const MARIANNE_FILES: Record<FontRole, string> = {
  regular: 'Marianne-Regular.woff',
  bold: 'Marianne-Bold.woff',
  italic: 'Marianne-Regular_Italic.woff',
};

/** The Marianne font files, read once; null when the DSFR package does not ship them. */
let marianne: Record<FontRole, Buffer> | null | undefined;
function marianneFonts(): Record<FontRole, Buffer> | null {
  if (marianne !== undefined) return marianne;
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json')), 'dist', 'fonts');
    const files = Object.entries(MARIANNE_FILES).map(([k, f]) => [k, join(dir, f)] as const);
    marianne = files.every(([, f]) => existsSync(f)) ? (Object.fromEntries(files.map(([k, f]) => [k, readFileSync(f)])) as Record<FontRole, Buffer>) : null;
  } catch {
    marianne = null;
  }
  return marianne;
}

// ------------------------------------------------------------------------------------------------
// Layout

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 56, left: 56, right: 56, bottom: 80 };
const BLUE = '#000091'; // DSFR bleu France
const GREY = '#3a3a3a';
const LIGHT = '#dddddd';
const SIZE = { body: 10, small: 8, heading: 13, title: 18, subtitle: 11, footer: 7 };

type Doc = InstanceType<typeof PDFDocument>;

class Writer {
  readonly width = A4.width - MARGIN.left - MARGIN.right;
  constructor(
    readonly doc: Doc,
    readonly fonts: Record<FontRole, string>,
    readonly drawQrCode: typeof DrawQrCode,
  ) {}

  get bottom() {
    return A4.height - MARGIN.bottom;
  }

  font(role: FontRole, size: number, color = '#000000') {
    return this.doc.font(this.fonts[role]).fontSize(size).fillColor(color);
  }

  /** Starts a new page when fewer than `h` points are left. */
  ensure(h: number) {
    if (this.doc.y + h > this.bottom) this.doc.addPage();
  }

  blocMarque(service: string) {
    const { doc } = this;
    const x = MARGIN.left;
    const y = MARGIN.top;
    this.font('bold', 11).text('RÉPUBLIQUE', x, y, { lineGap: 0 }).text('FRANÇAISE', { lineGap: 0 });
    this.font('italic', 7, GREY).text('Liberté', { lineGap: -1 }).text('Égalité').text('Fraternité');
    const end = doc.y;
    // The service name, right of a vertical rule, as in the DSFR header.
    const sx = x + 110;
    doc.moveTo(sx - 12, y).lineTo(sx - 12, end).lineWidth(0.5).strokeColor(GREY).stroke();
    this.font('bold', 12, BLUE).text('Conseiller numérique', sx, y + 4, { width: this.width - 110, lineGap: 0 });
    if (service !== 'Conseiller numérique') this.font('regular', 9, GREY).text(service, sx, doc.y, { width: this.width - 110 });
    doc.x = x;
    doc.y = Math.max(end, doc.y) + 24;
  }

  titles(d: PdfDescription) {
    this.font('bold', SIZE.title, BLUE).text(d.title, MARGIN.left, this.doc.y, { width: this.width });
    if (d.subtitle) this.font('regular', SIZE.subtitle, GREY).text(d.subtitle, { width: this.width });
    this.doc.moveDown(1);
  }

  heading(text: string) {
    this.font('bold', SIZE.heading, BLUE);
    this.ensure(this.doc.heightOfString(text, { width: this.width }) + 40);
    this.doc.moveDown(0.5).text(text, MARGIN.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.4);
  }

  paragraph(b: { text: string; muted?: boolean }) {
    this.font('regular', b.muted ? SIZE.small : SIZE.body, b.muted ? GREY : '#000000');
    this.ensure(Math.min(this.doc.heightOfString(b.text, { width: this.width }), 3 * SIZE.body * 1.3));
    this.doc.text(b.text, MARGIN.left, this.doc.y, { width: this.width, lineGap: 2 });
    this.doc.moveDown(0.6);
  }

  /** One table row at the current y; cells wrap; the row moves to a new page when it does not fit. */
  private row(cells: string[], widths: number[], role: FontRole, opts: { fill?: string; onBreak?: () => void } = {}) {
    const { doc } = this;
    const pad = 3;
    this.font(role, SIZE.body - 1);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i]! - 2 * pad }))) + 2 * pad;
    if (doc.y + h > this.bottom) {
      doc.addPage();
      opts.onBreak?.();
      this.font(role, SIZE.body - 1);
    }
    const y = doc.y;
    let x = MARGIN.left;
    if (opts.fill) doc.rect(x, y, this.width, h).fill(opts.fill);
    this.font(role, SIZE.body - 1);
    cells.forEach((c, i) => {
      doc.text(c || ' ', x + pad, y + pad, { width: widths[i]! - 2 * pad });
      x += widths[i]!;
    });
    doc.moveTo(MARGIN.left, y + h).lineTo(MARGIN.left + this.width, y + h).lineWidth(0.5).strokeColor(LIGHT).stroke();
    doc.x = MARGIN.left;
    doc.y = Math.max(doc.y, y + h);
  }

  rows(rows: [string, string][]) {
    const widths = [this.width * 0.35, this.width * 0.65];
    for (const [label, value] of rows) {
      const { doc } = this;
      const pad = 3;
      this.font('bold', SIZE.body - 1);
      const hl = doc.heightOfString(label || ' ', { width: widths[0]! - 2 * pad });
      this.font('regular', SIZE.body - 1);
      const hv = doc.heightOfString(value || ' ', { width: widths[1]! - 2 * pad });
      const h = Math.max(hl, hv) + 2 * pad;
      if (doc.y + h > this.bottom) doc.addPage();
      const y = doc.y;
      this.font('bold', SIZE.body - 1).text(label || ' ', MARGIN.left + pad, y + pad, { width: widths[0]! - 2 * pad });
      this.font('regular', SIZE.body - 1).text(value || ' ', MARGIN.left + widths[0]! + pad, y + pad, { width: widths[1]! - 2 * pad });
      doc.moveTo(MARGIN.left, y + h).lineTo(MARGIN.left + this.width, y + h).lineWidth(0.5).strokeColor(LIGHT).stroke();
      doc.x = MARGIN.left;
      doc.y = Math.max(doc.y, y + h);
    }
    this.doc.moveDown(0.8);
  }

  table(b: { columns: string[]; rows: string[][]; widths?: number[] }) {
    const weights = b.widths && b.widths.length === b.columns.length ? b.widths : b.columns.map(() => 1);
    const total = weights.reduce((s, w) => s + w, 0);
    const widths = weights.map((w) => (this.width * w) / total);
    const header = () => this.row(b.columns, widths, 'bold', { fill: '#eeeeee' });
    this.ensure(60);
    header();
    // The header is repeated on each page the table runs onto.
    for (const r of b.rows) this.row(b.columns.map((_, i) => r[i] ?? ''), widths, 'regular', { onBreak: header });
    this.doc.moveDown(0.8);
  }

  qr(b: { url: string; caption?: string }) {
    const size = 96;
    this.ensure(size + 10);
    const y = this.doc.y;
    this.drawQrCode(this.doc, b.url, MARGIN.left, y, size);
    const tx = MARGIN.left + size + 12;
    const w = this.width - size - 12;
    if (b.caption) this.font('regular', SIZE.body).text(b.caption, tx, y + 12, { width: w });
    this.font('regular', SIZE.small, GREY).text(b.url, tx, this.doc.y + 4, { width: w });
    this.doc.x = MARGIN.left;
    this.doc.y = Math.max(this.doc.y, y + size) + 8;
  }

  /** Page numbers and fingerprint on every (buffered) page. */
  footers(sha256: string) {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Writing below the bottom margin must not open a new page.
      const keep = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = A4.height - MARGIN.bottom + 24;
      doc.moveTo(MARGIN.left, y - 6).lineTo(MARGIN.left + this.width, y - 6).lineWidth(0.5).strokeColor(LIGHT).stroke();
      this.font('regular', SIZE.footer, GREY).text(`Empreinte SHA-256 du contenu : ${sha256}`, MARGIN.left, y, {
        width: this.width - 70,
        lineBreak: false,
      });
      this.font('regular', SIZE.footer + 1, GREY).text(`Page ${i - range.start + 1} sur ${range.count}`, MARGIN.left, y, {
        width: this.width,
        align: 'right',
        lineBreak: false,
      });
      doc.page.margins.bottom = keep;
    }
  }
}

/** Builds the PDF of a description with the platform's template. */
export async function buildPdf(description: PdfDescription, options: PdfOptions = {}): Promise<PdfResult> {
  const sha256 = contentSha256(description);
  const files = marianneFonts();
  // pdfkit and qrcode are loaded at the first PDF built (~0.3 s of start-up otherwise).
  const [{ default: PDFKit }, { drawQrCode }] = await Promise.all([import('pdfkit'), import('./qr.js')]);
  const doc = new PDFKit({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    lang: 'fr-FR',
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: description.title.normalize('NFC'),
      ...((options.subject ?? description.subtitle) ? { Subject: (options.subject ?? description.subtitle)!.normalize('NFC') } : {}),
      Author: options.author ?? 'Conseiller numérique',
      Creator: 'Conseiller numérique',
      Producer: 'Conseiller numérique (pdfkit)',
      Keywords: `sha256:${sha256}`,
      CreationDate: options.creationDate ?? new Date(),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  let fonts = HELVETICA;
  if (files) {
    for (const [role, file] of Object.entries(files)) doc.registerFont(`marianne-${role}`, file);
    fonts = { regular: 'marianne-regular', bold: 'marianne-bold', italic: 'marianne-italic' };
  }
  const w = new Writer(doc, fonts, drawQrCode);
  const nfc = (s: string) => s.normalize('NFC');
  w.blocMarque(nfc(options.service ?? 'Conseiller numérique'));
  w.titles({ ...description, title: nfc(description.title), ...(description.subtitle ? { subtitle: nfc(description.subtitle) } : {}) });
  for (const s of description.sections) {
    if (s.heading) w.heading(nfc(s.heading));
    for (const b of s.blocks) {
      if (b.type === 'paragraph') w.paragraph({ text: nfc(b.text), ...(b.muted ? { muted: true } : {}) });
      else if (b.type === 'rows') w.rows(b.rows.map(([l, v]) => [nfc(l), nfc(v)]));
      else if (b.type === 'table') w.table({ columns: b.columns.map(nfc), rows: b.rows.map((r) => r.map(nfc)), ...(b.widths ? { widths: b.widths } : {}) });
      else if (b.type === 'qr') w.qr({ url: b.url, ...(b.caption ? { caption: nfc(b.caption) } : {}) });
    }
  }
  w.footers(sha256);
  doc.end();
  return { bytes: await done, sha256 };
}
