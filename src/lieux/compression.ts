/**
 * Compressed copies of the places API's hot answers, made once per answer and encoding and kept
 * beside it: the compress plugin would otherwise gzip or brotli the same bytes on every request.
 * The choice of encoding is the plugin's (@fastify/compress: br, gzip, deflate, identity in that
 * order of preference, the highest q first, `*` and `x-gzip` read as gzip), so that a client gets
 * what it got before; deflate (rare), and zstd where Node has it, are still left to the plugin.
 */
import * as zlib from 'node:zlib';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Encoding = 'zstd' | 'br' | 'gzip' | 'deflate' | 'identity';
/** The plugin's list: zstd first where this Node has it (left to the plugin too). */
const SUPPORTED: readonly Encoding[] = [...('createZstdCompress' in zlib ? (['zstd'] as const) : []), 'br', 'gzip', 'deflate', 'identity'];

/** The encoding the compress plugin picks for this Accept-Encoding, or null for none. */
export function negotiateEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  let best: Encoding | null = null;
  let bestQ = 0;
  let bestPriority = Infinity;
  for (const part of header.toLowerCase().replace(/\*|x-gzip/g, 'gzip').split(',')) {
    const [token = '', ...params] = part.split(';');
    const priority = SUPPORTED.indexOf(token.trim() as Encoding);
    if (priority === -1) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*(\S*)\s*$/.exec(p);
      if (m) q = parseFloat(m[1]!) || 0;
    }
    if (q === 0) continue;
    if (q > bestQ || (q === bestQ && priority < bestPriority)) {
      best = SUPPORTED[priority]!;
      bestQ = q;
      bestPriority = priority;
    }
  }
  return best;
}

/** An answer's bytes, and its compressed copies once asked for. */
export interface AnswerBytes {
  readonly body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

export function answerBytes(body: string): AnswerBytes {
  return { body: Buffer.from(body) };
}

/** The answer compressed with `encoding`, made on first use (the plugin's settings: gzip level 6, brotli quality 4). */
export function compressed(a: AnswerBytes, encoding: 'gzip' | 'br'): Buffer {
  if (encoding === 'gzip') return (a.gzip ??= gzipSync(a.body));
  return (a.br ??= brotliCompressSync(a.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: a.body.length } }));
}
