import { and, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { StructureScope } from '../platform/access.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { commune } from '../territoires/territoires.js';
import { structures } from './schema.js';
import { normaliseSiret, siretProblem } from './siret.js';
import { isUuid } from '../platform/ids.js';

export type Structure = typeof structures.$inferSelect;

export const STRUCTURE_TYPES = {
  commune: 'Commune',
  departement: 'Département',
  region: 'Région',
  epci: 'EPCI (intercommunalité)',
  collectivite_statut_particulier: 'Collectivité à statut particulier',
  gip: "GIP (groupement d'intérêt public)",
  association: 'Association',
  entreprise_ess: "Entreprise de l'économie sociale et solidaire",
  fondation: 'Fondation',
} as const;
export type StructureType = keyof typeof STRUCTURE_TYPES;

export const LIMITS = { nom: 200, adresse: 300, email: 254, telephone: 20 };

export interface StructureInput {
  siret: string;
  nom: string;
  type: string;
  adresse: string;
  codePostal: string;
  communeInsee: string;
  contactEmail?: string;
  contactTelephone?: string;
}

export type StructureErrors = Partial<Record<keyof StructureInput, string>>;

export interface ValidStructure {
  siret: string;
  nom: string;
  type: StructureType;
  adresse: string;
  codePostal: string;
  communeInsee: string;
  departement: string;
  region: string;
  contactEmail: string | null;
  contactTelephone: string | null;
}

/** Validates and normalises a structure; every problem is reported against its field, in French. */
export function validateStructure(input: StructureInput): { ok: true; value: ValidStructure } | { ok: false; errors: StructureErrors } {
  const errors: StructureErrors = {};
  const siret = normaliseSiret(input.siret ?? '');
  const siretErr = siretProblem(siret);
  if (siretErr) errors.siret = siretErr;
  const nom = (input.nom ?? '').trim();
  if (!nom) errors.nom = 'Saisissez le nom de la structure.';
  else if (nom.length > LIMITS.nom) errors.nom = `Le nom doit contenir au plus ${LIMITS.nom} caractères.`;
  if (!Object.hasOwn(STRUCTURE_TYPES, input.type)) errors.type = 'Choisissez le type de structure.';
  const adresse = (input.adresse ?? '').trim();
  if (!adresse) errors.adresse = "Saisissez l'adresse (numéro et voie).";
  else if (adresse.length > LIMITS.adresse) errors.adresse = `L'adresse doit contenir au plus ${LIMITS.adresse} caractères.`;
  const codePostal = (input.codePostal ?? '').replace(/\s/g, '');
  if (!/^\d{5}$/.test(codePostal)) errors.codePostal = 'Le code postal compte 5 chiffres.';
  const c = commune((input.communeInsee ?? '').trim().toUpperCase());
  if (!c) errors.communeInsee = 'Commune inconnue : saisissez le code INSEE à 5 caractères (par exemple 57463 pour Metz).';
  else if (!errors.codePostal && !c.codesPostaux.includes(codePostal)) {
    errors.codePostal = `Ce code postal ne correspond pas à ${c.nom} (${c.codesPostaux.join(', ')}).`;
  }
  const contactEmail = (input.contactEmail ?? '').trim();
  if (contactEmail && (contactEmail.length > LIMITS.email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contactEmail))) {
    errors.contactEmail = 'Saisissez une adresse électronique valide, par exemple contact@mairie.fr.';
  }
  const contactTelephone = (input.contactTelephone ?? '').replace(/[\s.]/g, '');
  if (contactTelephone && !/^(\+33|0)[1-9]\d{8}$/.test(contactTelephone)) {
    errors.contactTelephone = 'Saisissez un numéro de téléphone français, par exemple 03 87 00 00 00.';
  }
  if (Object.keys(errors).length > 0 || !c) return { ok: false, errors };
  return {
    ok: true,
    value: {
      siret,
      nom,
      type: input.type as StructureType,
      adresse,
      codePostal,
      communeInsee: c.insee,
      departement: c.departement,
      region: c.region,
      contactEmail: contactEmail || null,
      contactTelephone: contactTelephone || null,
    },
  };
}

export class DuplicateSiretError extends Error {
  constructor(public readonly existingId: string) {
    super('Une structure existe déjà avec ce SIRET.');
  }
}

export async function findStructureBySiret(db: Db, siret: string): Promise<Structure | undefined> {
  const [s] = await db.select().from(structures).where(eq(structures.siret, normaliseSiret(siret))).limit(1);
  return s;
}

export async function getStructure(db: Db, id: string): Promise<Structure | undefined> {
  if (!isUuid(id)) return undefined;
  const [s] = await db.select().from(structures).where(eq(structures.id, id)).limit(1);
  return s;
}

/** Creates a structure; one structure per SIRET (checked here and by the unique index). */
export async function createStructure(db: Db, actor: Actor, v: ValidStructure, opts: { demo?: boolean } = {}): Promise<Structure> {
  return db.transaction(async (tx) => {
    const existing = await findStructureBySiret(tx, v.siret);
    if (existing) throw new DuplicateSiretError(existing.id);
    const [s] = await tx
      .insert(structures)
      .values({ ...v, demo: opts.demo ?? false })
      .returning();
    if (!s) throw new Error('insert failed');
    await recordAudit(tx, actor, {
      action: 'structure.creee',
      objectType: 'structure',
      objectId: s.id,
      summary: `Structure « ${s.nom} » créée (SIRET ${s.siret})`,
      after: v,
    });
    return s;
  });
}

export async function updateStructure(db: Db, actor: Actor, id: string, v: ValidStructure): Promise<Structure> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(structures).where(eq(structures.id, id)).for('update');
    if (!before) throw new Error('structure introuvable');
    if (v.siret !== before.siret) {
      const other = await findStructureBySiret(tx, v.siret);
      if (other) throw new DuplicateSiretError(other.id);
    }
    const [after] = await tx
      .update(structures)
      .set({ ...v, updatedAt: new Date() })
      .where(eq(structures.id, id))
      .returning();
    const changed = Object.fromEntries(
      (Object.keys(v) as (keyof ValidStructure)[]).filter((k) => before[k] !== v[k]).map((k) => [k, before[k]]),
    );
    await recordAudit(tx, actor, {
      action: 'structure.modifiee',
      objectType: 'structure',
      objectId: id,
      summary: `Structure « ${v.nom} » modifiée (${Object.keys(changed).join(', ') || 'aucun changement'})`,
      before: changed,
      after: Object.fromEntries(Object.keys(changed).map((k) => [k, v[k as keyof ValidStructure]])),
    });
    return after!;
  });
}

export function scopeCondition(scope: StructureScope): SQL | undefined {
  if (scope.all) return undefined;
  const parts: SQL[] = [];
  if (scope.departements.length) parts.push(sql`${structures.departement} in ${scope.departements}`);
  if (scope.structureIds.length) parts.push(sql`${structures.id} in ${scope.structureIds}`);
  return parts.length ? or(...parts) : sql`false`;
}

export interface StructureFilter {
  q?: string | undefined;
  departement?: string | undefined;
  limit?: number;
  offset?: number;
}

/** Structures within the caller's scope, filtered; never anything outside the scope. */
export async function listStructures(db: Db, scope: StructureScope, f: StructureFilter = {}): Promise<{ rows: Structure[]; total: number }> {
  const conds: (SQL | undefined)[] = [scopeCondition(scope)];
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (c) => '\\' + c)}%`;
    conds.push(or(ilike(structures.nom, like), ilike(structures.siret, like)));
  }
  if (f.departement) conds.push(eq(structures.departement, f.departement));
  const where = and(...conds);
  const rows = await db
    .select()
    .from(structures)
    .where(where)
    .orderBy(asc(structures.nom))
    .limit(f.limit ?? 50)
    .offset(f.offset ?? 0);
  const [c] = await db.select({ n: sql<number>`count(*)::int` }).from(structures).where(where);
  return { rows, total: c?.n ?? 0 };
}

export async function countStructuresByDepartement(db: Db, scope: StructureScope): Promise<{ departement: string; n: number }[]> {
  return db
    .select({ departement: structures.departement, n: sql<number>`count(*)::int` })
    .from(structures)
    .where(scopeCondition(scope))
    .groupBy(structures.departement)
    .orderBy(structures.departement);
}

export async function structureNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: structures.id, nom: structures.nom }).from(structures).where(sql`${structures.id} in ${ids}`);
  return new Map(rows.map((r) => [r.id, r.nom]));
}
