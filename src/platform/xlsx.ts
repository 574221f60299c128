/**
 * A minimal XLSX writer that streams: one worksheet of inline strings and numbers, zipped on the fly
 * (deflate with data descriptors), pulled by its reader. Nothing is buffered beyond zlib's window and
 * one batch of rows, so memory stays flat whatever the number of rows (exceljs' streaming writer
 * pushes into its zip without back-pressure, which grew by ~180 MB for 100,000 rows).
 */
import { Readable } from 'node:stream';
import { createDeflateRaw, crc32 } from 'node:zlib';

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

export function xmlEscape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

const COLUMNS: string[] = [];
/** A, B, … Z, AA, AB… (cached). */
export function columnName(i: number): string {
  let name = COLUMNS[i];
  if (name === undefined) {
    name = '';
    for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    COLUMNS[i] = name;
  }
  return name;
}

function cell(v: string | number, ref: string): string {
  if (typeof v === 'number' && Number.isFinite(v)) return `<c r="${ref}"><v>${v}</v></c>`;
  const s = String(v);
  return s === '' ? '' : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlEscape(s)}</t></is></c>`;
}

export function rowXml(cells: (string | number)[], n: number): string {
  return `<row r="${n}">${cells.map((v, i) => cell(v, columnName(i) + n)).join('')}</row>`;
}

function dosDateTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

interface Entry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  method: number;
  flags: number;
}

function localHeader(e: Entry, when: { time: number; date: number }): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(20, 4);
  b.writeUInt16LE(e.flags, 6);
  b.writeUInt16LE(e.method, 8);
  b.writeUInt16LE(when.time, 10);
  b.writeUInt16LE(when.date, 12);
  b.writeUInt32LE(e.crc >>> 0, 14);
  b.writeUInt32LE(e.compressed, 18);
  b.writeUInt32LE(e.size, 22);
  b.writeUInt16LE(e.name.length, 26);
  b.writeUInt16LE(0, 28);
  return Buffer.concat([b, e.name]);
}

function centralHeader(e: Entry, when: { time: number; date: number }): Buffer {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(20, 4);
  b.writeUInt16LE(20, 6);
  b.writeUInt16LE(e.flags, 8);
  b.writeUInt16LE(e.method, 10);
  b.writeUInt16LE(when.time, 12);
  b.writeUInt16LE(when.date, 14);
  b.writeUInt32LE(e.crc >>> 0, 16);
  b.writeUInt32LE(e.compressed, 20);
  b.writeUInt32LE(e.size, 24);
  b.writeUInt16LE(e.name.length, 28);
  b.writeUInt32LE(e.offset, 42);
  return Buffer.concat([b, e.name]);
}

/** An XLSX file with one sheet whose rows come from `rows`, as a pull-based stream. */
export function xlsxFromRows(sheetName: string, rows: AsyncIterable<(string | number)[]>, now = new Date()): Readable {
  const when = dosDateTime(now);
  const entries: Entry[] = [];
  let offset = 0;

  function* stored(name: string, text: string): Generator<Buffer> {
    const data = Buffer.from(text, 'utf8');
    const e: Entry = { name: Buffer.from(name), crc: crc32(data), compressed: data.length, size: data.length, offset, method: 0, flags: 0x0800 };
    const head = localHeader(e, when);
    entries.push(e);
    offset += head.length + data.length;
    yield head;
    yield data;
  }

  async function* sheetXml(): AsyncGenerator<Buffer> {
    yield Buffer.from(`${XML_HEAD}<worksheet xmlns="${MAIN_NS}"><sheetData>`);
    let chunk = '';
    let n = 0;
    for await (const r of rows) {
      chunk += rowXml(r, ++n);
      if (chunk.length > 64 * 1024) {
        yield Buffer.from(chunk, 'utf8');
        chunk = '';
      }
    }
    yield Buffer.from(chunk + '</sheetData></worksheet>', 'utf8');
  }

  async function* zip(): AsyncGenerator<Buffer> {
    yield* stored(
      '[Content_Types].xml',
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    );
    yield* stored('_rels/.rels', `${XML_HEAD}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
    yield* stored(
      'xl/workbook.xml',
      `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${DOC_REL}"><sheets><sheet name="${xmlEscape(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    );
    yield* stored('xl/_rels/workbook.xml.rels', `${XML_HEAD}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`);

    // The sheet: deflated as it is produced, sizes and CRC in a data descriptor after it.
    const e: Entry = { name: Buffer.from('xl/worksheets/sheet1.xml'), crc: 0, compressed: 0, size: 0, offset, method: 8, flags: 0x0808 };
    const head = localHeader(e, when);
    offset += head.length;
    yield head;
    let crc = 0;
    let size = 0;
    const source = Readable.from(
      (async function* () {
        for await (const b of sheetXml()) {
          crc = crc32(b, crc);
          size += b.length;
          yield b;
        }
      })(),
    );
    const deflate = source.pipe(createDeflateRaw({ level: 6 }));
    let compressed = 0;
    for await (const out of deflate as AsyncIterable<Buffer>) {
      compressed += out.length;
      yield out;
    }
    if (size > 0xffffffff || compressed > 0xffffffff) throw new Error('export XLSX trop volumineux (plus de 4 Go)');
    Object.assign(e, { crc, size, compressed });
    entries.push(e);
    const desc = Buffer.alloc(16);
    desc.writeUInt32LE(0x08074b50, 0);
    desc.writeUInt32LE(crc >>> 0, 4);
    desc.writeUInt32LE(compressed, 8);
    desc.writeUInt32LE(size, 12);
    offset += compressed + desc.length;
    yield desc;

    const central = Buffer.concat(entries.map((x) => centralHeader(x, when)));
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(central.length, 12);
    end.writeUInt32LE(offset, 16);
    yield central;
    yield end;
  }

  return Readable.from(zip(), { objectMode: false });
}
