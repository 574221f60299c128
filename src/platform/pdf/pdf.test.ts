/**
 * The shared PDF template, read back with pdf.js (unpdf): text with French accents, the bloc-marque,
 * « Page N sur M » on every page, the content fingerprint in the footer (recomputable from the
 * description), deterministic bytes, and QR codes that leave the PDF readable.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { extractText, getDocumentProxy } from 'unpdf';
import { buildPdf, canonicalJson, contentSha256, type PdfDescription } from './pdf.js';
import { qrMatrix } from './qr.js';

/** The text of each page (pdf.js may detach the buffer it is given: pass a copy). */
async function pagesOf(bytes: Buffer): Promise<string[]> {
  const { text } = await extractText(new Uint8Array(bytes), { mergePages: false });
  return text.map((t) => t.normalize('NFC'));
}

const FIXED = new Date('2026-03-12T10:00:00Z');

const small: PdfDescription = {
  title: 'Attestation de formation',
  subtitle: 'Délivrée à Hélène Lefèvre-Œillet',
  sections: [
    {
      heading: 'Éléments',
      blocks: [
        { type: 'paragraph', text: 'Ça marche : « français » à l’œuvre, élève, garçon, île, où, Noël.' },
        { type: 'rows', rows: [['Commune', 'Saint-Étienne'], ['Date', '12 mars 2026']] },
        { type: 'table', columns: ['Thématique', 'Durée'], rows: [['Sécurité numérique', '45 min']] },
      ],
    },
  ],
};

function big(n: number): PdfDescription {
  return {
    title: 'Procès-verbal de comité',
    sections: [
      {
        heading: 'Dossiers examinés',
        blocks: [
          {
            type: 'table',
            columns: ['N°', 'Structure', 'Décision'],
            widths: [1, 4, 2],
            rows: Array.from({ length: n }, (_, i) => [String(i + 1), `Médiathèque numéro ${i + 1} de Thionville`, i % 2 ? 'Favorable' : 'Ajourné']),
          },
        ],
      },
      { heading: 'Observations', blocks: Array.from({ length: 20 }, (_, i) => ({ type: 'paragraph' as const, text: `Observation ${i + 1} : ${'texte '.repeat(60)}` })) },
    ],
  };
}

describe('canonical content and fingerprint', () => {
  it('sorts keys, drops undefined members, normalises strings to NFC, adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined })).toBe('{"a":[true,null,"x"],"b":1}');
    // « é » decomposed (e + U+0301) and composed give the same text
    expect(canonicalJson({ t: 'e\u0301' })).toBe(canonicalJson({ t: '\u00e9' }));
    expect(canonicalJson({ t: 'e\u0301' })).toBe('{"t":"é"}');
  });

  it('is the SHA-256 hex of the canonical JSON, independent of key order', () => {
    const h = contentSha256(small);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).toBe(createHash('sha256').update(canonicalJson(small), 'utf8').digest('hex'));
    const reordered = JSON.parse(JSON.stringify({ sections: small.sections, subtitle: small.subtitle, title: small.title })) as PdfDescription;
    expect(contentSha256(reordered)).toBe(h);
    expect(contentSha256({ ...small, title: 'Attestation modifiée' })).not.toBe(h);
  });
});

describe('buildPdf', () => {
  it('renders the bloc-marque, French accents, rows and tables as extractable text', async () => {
    const { bytes, sha256 } = await buildPdf(small, { creationDate: FIXED });
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const [page] = await pagesOf(bytes);
    expect(page).toContain('RÉPUBLIQUE');
    expect(page).toContain('FRANÇAISE');
    expect(page).toContain('Conseiller numérique');
    expect(page).toContain('Attestation de formation');
    expect(page).toContain('Délivrée à Hélène Lefèvre-Œillet');
    expect(page).toContain('Ça marche : « français » à l’œuvre, élève, garçon, île, où, Noël.');
    expect(page).toContain('Saint-Étienne');
    expect(page).toContain('Sécurité numérique');
    expect(page).toContain(`Empreinte SHA-256 du contenu : ${sha256}`);
    expect(page).toContain('Page 1 sur 1');
    expect(sha256).toBe(contentSha256(small));
    // the DSFR's Marianne is embedded (subset), not a standard font
    expect(bytes.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+Marianne-Bold/);
    expect(bytes.toString('latin1')).not.toContain('/Helvetica');
  });

  it('numbers every page of a long document « Page N sur M » and prints the fingerprint on each', async () => {
    const { bytes, sha256 } = await buildPdf(big(120), { creationDate: FIXED });
    const pages = await pagesOf(bytes);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    pages.forEach((p, i) => {
      expect(p).toContain(`Page ${i + 1} sur ${pages.length}`);
      expect(p).toContain(sha256);
    });
    // the table runs onto several pages, its header repeated, no row lost
    const all = pages.join('\n');
    expect(all).toContain('Médiathèque numéro 120 de Thionville');
    expect(pages.filter((p) => p.includes('Décision')).length).toBeGreaterThan(1);
    expect(all).toContain('Observation 20 :');
  });

  it('gives the same bytes for the same description and creation date', async () => {
    const a = await buildPdf(small, { creationDate: FIXED });
    const b = await buildPdf(small, { creationDate: FIXED });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const proxy = await getDocumentProxy(new Uint8Array(a.bytes));
    const { info } = (await proxy.getMetadata()) as unknown as { info: Record<string, unknown> };
    expect(info.Title).toBe('Attestation de formation');
    expect(info.CreationDate).toMatch(/^D:20260312100000Z/);
  });
});

describe('QR codes', () => {
  it('builds a square matrix with the three finder patterns', () => {
    const m = qrMatrix('https://conseiller-numerique.example/verifier/abc');
    expect(m.length).toBeGreaterThanOrEqual(21);
    expect(m.every((r) => r.length === m.length)).toBe(true);
    const n = m.length;
    for (const [r, c] of [[0, 0], [0, n - 7], [n - 7, 0]] as const) {
      expect(m[r]!.slice(c, c + 7).every(Boolean)).toBe(true); // top edge of a finder
      expect(m[r + 1]![c + 1]).toBe(false); // its white ring
      expect(m[r + 3]![c + 3]).toBe(true); // its centre
    }
  });

  it('yields a PDF that still parses, with the caption and the URL as text', async () => {
    const url = 'https://conseiller-numerique.example/verifier/3f2a?x=é';
    const d: PdfDescription = {
      title: 'Attestation vérifiable',
      sections: [{ blocks: [{ type: 'qr', url, caption: 'Scannez ce code pour vérifier l’attestation.' }, { type: 'paragraph', text: 'Après le code.' }] }],
    };
    const { bytes } = await buildPdf(d, { creationDate: FIXED });
    const pages = await pagesOf(bytes);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Scannez ce code pour vérifier l’attestation.');
    expect(pages[0]).toContain('Après le code.');
    expect(pages[0]).toContain('Page 1 sur 1');
  });
});
