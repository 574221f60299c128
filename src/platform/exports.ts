/**
 * A table sent as a download, streamed row by row: CSV (UTF-8 with BOM, `;`, formula-safe cells, for
 * spreadsheet software set to French) or XLSX. Rows come from an async iterable, so memory stays flat.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { xlsxFromRows } from './xlsx.js';

/** Leading characters a spreadsheet may read as a formula (CSV injection): = + - @, tab, carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: string | number): string {
  const s = String(v);
  const formula = FORMULA_START.test(s);
  return /[";\n\r]/.test(s) || formula ? `"${(formula ? "'" : '') + s.replace(/"/g, '""')}"` : s;
}

export type TableFormat = 'csv' | 'xlsx';

export function sendTable(reply: FastifyReply, t: { format: TableFormat; filename: string; sheet: string; rows: AsyncIterable<(string | number)[]> }): FastifyReply {
  reply.header('content-disposition', `attachment; filename="${t.filename}.${t.format}"`).header('cache-control', 'no-store');
  if (t.format === 'xlsx') return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(xlsxFromRows(t.sheet, t.rows));
  // Rows are sent in chunks of about 64 KB: one write per row costs far more, above all through gzip.
  async function* lines(): AsyncGenerator<string> {
    let chunk = '\uFEFF';
    for await (const c of t.rows) {
      chunk += c.map(csvCell).join(';') + '\r\n';
      if (chunk.length >= 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return reply.type('text/csv; charset=utf-8').send(Readable.from(lines(), { objectMode: false }));
}
