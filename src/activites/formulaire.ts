/** Reading submitted forms (strings only) and showing a stored commune in the commune field: shared by the activity and beneficiary pages. */
import type { FastifyRequest } from 'fastify';
import { commune } from '../territoires/territoires.js';
import { communeSaisie } from '../territoires/views/commune-field.js';

export type RawBody = Record<string, string | string[] | undefined>;

/**
 * The fields of a submitted form: strings and lists of strings only. A JSON body (Fastify parses one
 * on any route) may hold objects or numbers; they are dropped, never turned into strings.
 */
export function rawBody(request: FastifyRequest): RawBody {
  const b = request.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) return {};
  const out: RawBody = {};
  for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
  }
  return out;
}

/** A stored commune as the commune field shows it: its name, with its code tied to that text. */
export function communeValues(insee: string | null): Record<string, string> {
  const c = insee ? commune(insee) : undefined;
  return c ? { commune: communeSaisie(c), commune_insee: c.insee, commune_insee_pour: communeSaisie(c) } : { commune: '' };
}
