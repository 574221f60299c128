/**
 * The agreements' demo, on top of the programme's and recruitment's: every validated Moselle structure
 * of the demo gets its agreement under the first regime (kept open). So that the screens show live
 * figures, Banque des Territoires' demo dates place them in a current period rather than the historical
 * 2021–2024 one:
 * - Ville de Metz (3 posts, its three demo conseillers under contract): signed, validated, paid in
 *   two instalments (50 % then 25 %), everything justified so far;
 * - Ville de Thionville (2 posts): signed, in instruction at Banque des Territoires;
 * - Commune d'Achen (1 post): validated, half paid, its post vacant for 5 months: flagged;
 * - the other structures: agreements starting this month, waiting for their signature.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { databaseStorage, listFiles, deleteFile } from '../platform/uploads/index.js';
import type { Actor } from '../audit/audit.js';
import { findUserByEmail } from '../comptes/users.js';
import type { Structure } from '../structures/structures.js';
import { structuresValidees, getDossierOfStructure } from '../programme/dossiers.js';
import { conventions, documents, evenements, postes, versements } from './schema.js';
import { addMonths, finMaximale } from './regles.js';
import { enregistrerVersement, modifierDates, synchroniserStructure, valider } from './conventions.js';
import { documentCourant, signer } from './documents.js';

async function acteur(db: Db, email: string): Promise<Actor> {
  const u = await findUserByEmail(db, email);
  return { userId: u?.id ?? null, label: u ? `${u.firstName} ${u.lastName} <${u.email}>` : email };
}

export async function seedDemoConventions(db: Db, byKey: ReadonlyMap<string, Structure>, today: string): Promise<number> {
  const storage = databaseStorage(db);
  const banque = await acteur(db, 'banque@demo.test');
  const gestionnaire = await acteur(db, 'structure@demo.test');
  const moisCourant = `${today.slice(0, 8)}01`;
  const story: Record<string, { debut: string; signe?: [string, string]; valide?: boolean; versements?: [number, number][] }> = {
    metz: { debut: addMonths(moisCourant, -18), signe: ['Sophie Structure', 'Adjointe au maire, par délégation'], valide: true, versements: [[1, 50], [13, 25]] },
    thionville: { debut: addMonths(moisCourant, -2), signe: ['Représentant légal de la Ville de Thionville', 'Maire'] },
    achen: { debut: addMonths(moisCourant, -5), signe: ["Représentant légal de la commune d'Achen", 'Maire'], valide: true, versements: [[0, 50]] },
  };
  const parId = new Map([...byKey].map(([k, s]) => [s.id, k]));
  let n = 0;
  for (const v of await structuresValidees(db)) {
    const d = await getDossierOfStructure(db, v.structureId);
    if (!d?.demo) continue;
    const c = await synchroniserStructure(db, v.structureId, today);
    if (!c) continue;
    n++;
    const s = story[parId.get(v.structureId) ?? ''] ?? { debut: moisCourant };
    await modifierDates(db, banque, c.id, s.debut, finMaximale(s.debut));
    await synchroniserStructure(db, v.structureId, today);
    if (!s.signe) continue;
    const doc = (await documentCourant(db, storage, banque, c.id))!;
    await signer(db, gestionnaire, c.id, doc.id, { nom: s.signe[0], fonction: s.signe[1], sha256: doc.sha256, certifie: true });
    if (!s.valide) continue;
    await valider(db, banque, c.id);
    const montant = (await db.select({ m: conventions.montantCentimes }).from(conventions).where(eq(conventions.id, c.id)))[0]!.m;
    for (const [i, [mois, pct]] of (s.versements ?? []).entries()) {
      await enregistrerVersement(db, banque, c.id, { date: addMonths(s.debut, mois), montantCentimes: Math.round((montant * pct) / 100), reference: `DEMO-VIR-${String(c.numero).padStart(4, '0')}-${i + 1}` });
    }
  }
  return n;
}

/** Removes the demo's agreements, their posts, documents (and files), payments and events. Real agreements are untouched. */
export async function deleteDemoConventions(tx: Db): Promise<void> {
  const ids = (await tx.select({ id: conventions.id }).from(conventions).where(eq(conventions.demo, true))).map((r) => r.id);
  if (!ids.length) return;
  const storage = databaseStorage(tx);
  for (const id of ids) for (const f of await listFiles(tx, 'conventions', id)) await deleteFile(tx, storage, f);
  await tx.delete(documents).where(inArray(documents.conventionId, ids));
  await tx.delete(versements).where(inArray(versements.conventionId, ids));
  await tx.delete(evenements).where(inArray(evenements.conventionId, ids));
  await tx.delete(postes).where(inArray(postes.conventionId, ids));
  await tx.delete(conventions).where(and(eq(conventions.demo, true), inArray(conventions.id, ids)));
}
