/**
 * Likely duplicates: found at import (same address, similar names — the criteria of
 * doublonsPossibles, lieux.ts), held out of the finder and the exports, and decided by an
 * administrator on /admin/lieux/doublons (publish both, or keep one).
 */
import { asc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../platform/db.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { normaliseName } from '../territoires/territoires.js';
import { lieux } from './schema.js';
import { notifyLieuxChanged, ressemblent, type Comparable } from './lieux.js';
import { isUuid } from '../platform/ids.js';

/** A place as the import compares it, with what it is shown as in the report. */
export interface Candidat extends Comparable {
  id: string;
  public: boolean;
  doublonStatut: string | null;
}

const addressKey = (s: string) => normaliseName(s).replace(/\b(bis|ter)\b/g, '').replace(/\s+/g, ' ').trim();
const MAX_DISTANCE_KM = 0.03;

const COLONNES = {
  id: lieux.id,
  pivot: lieux.pivot,
  nom: lieux.nom,
  adresse: lieux.adresse,
  codePostal: lieux.codePostal,
  commune: lieux.commune,
  codeInsee: lieux.codeInsee,
  latitude: lieux.latitude,
  longitude: lieux.longitude,
  public: lieux.public,
  doublonStatut: lieux.doublonStatut,
};

/**
 * doublonsPossibles for a whole import: the same candidates (same postcode and address, or within
 * about 30 m) and the same test (ressemblent), but the places of a postcode are read once and kept
 * by address, and the places the import creates are added as it goes — a file of 1,500 places in
 * one postcode costs one query for them, not 1,500 scans.
 */
export class DetecteurDoublons {
  private parCodePostal = new Map<string, Map<string, Candidat[]>>();

  private async adresses(db: Db, cp: string): Promise<Map<string, Candidat[]>> {
    let m = this.parCodePostal.get(cp);
    if (!m) {
      m = new Map();
      for (const r of await db.select(COLONNES).from(lieux).where(eq(lieux.codePostal, cp))) this.ranger(m, r);
      this.parCodePostal.set(cp, m);
    }
    return m;
  }

  private ranger(m: Map<string, Candidat[]>, c: Candidat): void {
    const k = addressKey(c.adresse);
    if (!k) return;
    const list = m.get(k);
    if (list) list.push(c);
    else m.set(k, [c]);
  }

  /** The place `v` looks like, preferably a published one; undefined when none. */
  async trouver(db: Db, v: Comparable): Promise<Candidat | undefined> {
    const found = new Map<string, Candidat>();
    const k = addressKey(v.adresse);
    if (k) for (const c of (await this.adresses(db, v.codePostal)).get(k) ?? []) if (ressemblent(v, c)) found.set(c.id, c);
    if (v.latitude !== null && v.longitude !== null) {
      const dLat = MAX_DISTANCE_KM / 111;
      const dLng = MAX_DISTANCE_KM / (111 * Math.max(0.01, Math.cos((v.latitude * Math.PI) / 180)));
      const near = await db
        .select(COLONNES)
        .from(lieux)
        .where(sql`${lieux.latitude} between ${v.latitude - dLat} and ${v.latitude + dLat} and ${lieux.longitude} between ${v.longitude - dLng} and ${v.longitude + dLng}`)
        .limit(200);
      for (const c of near) if (ressemblent(v, c)) found.set(c.id, c);
      // The places this import created, not yet visible to the query when in the same batch.
      for (const c of this.nouveaux) if (!found.has(c.id) && ressemblent(v, c)) found.set(c.id, c);
    }
    const all = [...found.values()];
    return all.find((l) => l.public && !l.doublonStatut) ?? all.find((l) => l.public) ?? all[0];
  }

  private nouveaux: Candidat[] = [];

  /** A place the import is creating (in the current batch: not yet in the database). */
  ajouter(c: Candidat): void {
    const m = this.parCodePostal.get(c.codePostal);
    if (m) this.ranger(m, c);
    if (c.latitude !== null && c.longitude !== null) this.nouveaux.push(c);
  }

  /** Forgets the current batch's places (its transaction was rolled back): read again from the database. */
  oublier(): void {
    this.parCodePostal.clear();
    this.nouveaux = [];
  }

  /** After a batch is committed, its places are found by the query: only the in-memory ones of the next batch are needed. */
  lotEcrit(): void {
    this.nouveaux = [];
  }
}

// ---------------------------------------------------------------------------------------------
// The review list

export interface PaireDoublon {
  /** The place held (not published). */
  lieu: { id: string; nom: string; adresse: string; commune: string; codePostal: string; pivot: string; telephone: string | null; origine: string; createdAt: Date };
  /** The place it looks like; null when it was deleted since. */
  autre: { id: string; nom: string; adresse: string; commune: string; codePostal: string; pivot: string; telephone: string | null; origine: string; public: boolean; doublonStatut: string | null } | null;
}

export async function compterDoublons(db: Db): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(lieux).where(eq(lieux.doublonStatut, 'a_verifier'));
  return r?.n ?? 0;
}

/** The places held for review, oldest first, each with the place it looks like. */
export async function listerDoublons(db: Db, f: { limit: number; offset: number }): Promise<PaireDoublon[]> {
  const autre = alias(lieux, 'autre');
  const rows = await db
    .select({
      id: lieux.id,
      nom: lieux.nom,
      adresse: lieux.adresse,
      commune: lieux.commune,
      codePostal: lieux.codePostal,
      pivot: lieux.pivot,
      telephone: lieux.telephone,
      origine: lieux.origine,
      createdAt: lieux.createdAt,
      aId: autre.id,
      aNom: autre.nom,
      aAdresse: autre.adresse,
      aCommune: autre.commune,
      aCodePostal: autre.codePostal,
      aPivot: autre.pivot,
      aTelephone: autre.telephone,
      aOrigine: autre.origine,
      aPublic: autre.public,
      aStatut: autre.doublonStatut,
    })
    .from(lieux)
    .leftJoin(autre, eq(autre.id, lieux.doublonDe))
    .where(eq(lieux.doublonStatut, 'a_verifier'))
    .orderBy(asc(lieux.createdAt), asc(lieux.id))
    .limit(f.limit)
    .offset(f.offset);
  return rows.map((r) => ({
    lieu: { id: r.id, nom: r.nom, adresse: r.adresse, commune: r.commune, codePostal: r.codePostal, pivot: r.pivot, telephone: r.telephone, origine: r.origine, createdAt: r.createdAt },
    autre: r.aId
      ? { id: r.aId, nom: r.aNom!, adresse: r.aAdresse!, commune: r.aCommune!, codePostal: r.aCodePostal!, pivot: r.aPivot!, telephone: r.aTelephone, origine: r.aOrigine!, public: r.aPublic!, doublonStatut: r.aStatut }
      : null,
  }));
}

export const DECISIONS = ['publier_les_deux', 'garder_existant', 'garder_nouveau'] as const;
export type Decision = (typeof DECISIONS)[number];

export type Issue = { ok: true; message: string } | { ok: false; status: 404 | 409; message: string };

/**
 * An administrator's decision on a held place: publish both, keep the existing one (the held one
 * is set aside, not public), or keep the new one (published; the other set aside). Under the rows'
 * locks; a pair already decided, or whose other place changed since the page was shown, is refused.
 */
export async function deciderDoublon(db: Db, actor: Actor, id: string, decision: Decision, autreAttendu: string | null): Promise<Issue> {
  if (!isUuid(id)) return { ok: false, status: 404, message: 'Lieu introuvable.' };
  const issue = await db.transaction(async (tx): Promise<Issue> => {
    const [l] = await tx.select().from(lieux).where(eq(lieux.id, id)).for('update');
    if (!l) return { ok: false, status: 404, message: 'Lieu introuvable.' };
    if (l.doublonStatut !== 'a_verifier' || (l.doublonDe ?? null) !== autreAttendu) {
      return { ok: false, status: 409, message: `Le doublon possible « ${l.nom} » a déjà été traité ou a changé depuis l'affichage de la page : vérifiez la liste à jour.` };
    }
    const [autre] = l.doublonDe ? await tx.select().from(lieux).where(eq(lieux.id, l.doublonDe)).for('update') : [];
    const avec = autre ? ` (doublon possible de « ${autre.nom} »)` : '';
    let message: string;
    if (decision === 'publier_les_deux' || (decision === 'garder_nouveau' && !autre)) {
      await tx.update(lieux).set({ public: true, doublonStatut: 'distinct', updatedAt: new Date() }).where(eq(lieux.id, l.id));
      message = autre ? `« ${l.nom} » et « ${autre.nom} » sont publiés tous les deux.` : `« ${l.nom} » est publié.`;
    } else if (decision === 'garder_existant') {
      await tx.update(lieux).set({ public: false, doublonStatut: 'ecarte', updatedAt: new Date() }).where(eq(lieux.id, l.id));
      message = autre ? `« ${autre.nom} » est gardé ; « ${l.nom} » est écarté (non publié).` : `« ${l.nom} » est écarté (non publié).`;
    } else {
      await tx.update(lieux).set({ public: true, doublonStatut: 'distinct', updatedAt: new Date() }).where(eq(lieux.id, l.id));
      await tx.update(lieux).set({ public: false, doublonStatut: 'ecarte', doublonDe: l.id, updatedAt: new Date() }).where(eq(lieux.id, autre!.id));
      message = `« ${l.nom} » est publié ; « ${autre!.nom} » est écarté (non publié).`;
    }
    await recordAudit(tx, actor, {
      action: 'lieu.modifie',
      objectType: 'lieu',
      objectId: l.id,
      summary: `Doublon possible vérifié : lieu « ${l.nom} »${avec} — ${LIBELLES_DECISION[decision].toLowerCase()}`,
      before: { doublonStatut: 'a_verifier', public: l.public, ...(autre ? { autre: { id: autre.id, public: autre.public, doublonStatut: autre.doublonStatut } } : {}) },
      after: { decision },
    });
    return { ok: true, message };
  });
  if (issue.ok) notifyLieuxChanged(db);
  return issue;
}

export const LIBELLES_DECISION: Record<Decision, string> = {
  publier_les_deux: 'Publier les deux',
  garder_existant: 'Garder le lieu existant',
  garder_nouveau: 'Garder le nouveau lieu',
};
