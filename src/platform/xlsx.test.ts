import { describe, expect, it } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { columnName, xlsxFromRows, xmlEscape } from './xlsx.js';

async function collect(rows: (string | number)[][]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  async function* gen() {
    for (const r of rows) yield r;
  }
  for await (const c of xlsxFromRows('Activités & co', gen())) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('streaming XLSX writer', () => {
  it('names columns like a spreadsheet', () => {
    expect([0, 25, 26, 51, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'ZZ', 'AAA']);
    expect(xmlEscape('a<b>&"c"\u0001')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
  });

  it('writes a workbook that a spreadsheet reader opens, with texts and numbers', async () => {
    const file = await collect([['Titre'], [], ['id', 'n'], ['x & <y>', 42], ['ligne\nsuivante', 0]]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Activités & co');
    expect(ws.getRow(1).getCell(1).value).toBe('Titre');
    expect(ws.getRow(4).getCell(1).value).toBe('x & <y>');
    expect(ws.getRow(4).getCell(2).value).toBe(42);
    expect(ws.getRow(5).getCell(1).value).toBe('ligne\nsuivante');
    expect(ws.getRow(5).getCell(2).value).toBe(0);
  });

  it('records sizes and CRC that match the deflated sheet (data descriptor and central directory)', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [`ligne ${i}`, i]);
    const file = await collect(rows);
    const end = file.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const count = file.readUInt16LE(end + 10);
    const cdOffset = file.readUInt32LE(end + 16);
    expect(count).toBe(5);
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      expect(file.readUInt32LE(p)).toBe(0x02014b50);
      const method = file.readUInt16LE(p + 10);
      const compressed = file.readUInt32LE(p + 20);
      const size = file.readUInt32LE(p + 24);
      const nameLen = file.readUInt16LE(p + 28);
      const local = file.readUInt32LE(p + 42);
      const name = file.subarray(p + 46, p + 46 + nameLen).toString();
      const dataStart = local + 30 + file.readUInt16LE(local + 26);
      const data = file.subarray(dataStart, dataStart + compressed);
      const raw = method === 8 ? inflateRawSync(data) : data;
      expect(raw.length, name).toBe(size);
      p += 46 + nameLen;
    }
  });
});
