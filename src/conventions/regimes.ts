/** Funding regimes (envelopes), managed by ANCT: the amount per post, months funded, bonification, the entry period. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { nomActeur } from '../programme/dossiers.js';
import { regimes } from './schema.js';
import { regimeOuvert, type NatureRegime, type RegimeValide } from './regles.js';

export type Regime = typeof regimes.$inferSelect;

export class ConventionsError extends Error {
  constructor(
    message: string,
    /** The form field (or API field) the message belongs next to. */
    readonly field: string,
    readonly status = 409,
  ) {
    super(message);
  }
}


export async function listRegimes(db: Db): Promise<Regime[]> {
  return db.select().from(regimes).orderBy(asc(regimes.entreeDu), asc(regimes.createdAt));
}

export async function getRegime(db: Db, id: string): Promise<Regime | undefined> {
  if (!isUuid(id)) return undefined;
  const [r] = await db.select().from(regimes).where(eq(regimes.id, id));
  return r;
}

/** The regime open on `date` for a first agreement or a renewal. */
export async function regimeDuJour(db: Db, nature: NatureRegime, date: string): Promise<Regime | undefined> {
  return regimeOuvert(await listRegimes(db), nature, date);
}

export async function creerRegime(db: Db, actor: Actor, v: RegimeValide): Promise<Regime> {
  return db.transaction(async (tx) => {
    const [r] = await tx.insert(regimes).values({ ...v, par: nomActeur(actor) }).returning();
    await recordAudit(tx, actor, { action: 'conventions.regime_cree', objectType: 'regime', objectId: r!.id, summary: `Régime de financement créé : ${v.nom}`, after: v });
    return r!;
  });
}

/**
 * Changes a regime (typically gives it an end date). Amounts already committed under it do not move:
 * an agreement keeps the amounts it was opened with only through its own figures, so a change of
 * amounts is refused once an agreement uses the regime (`enUsage`).
 */
export async function modifierRegime(db: Db, actor: Actor, id: string, v: RegimeValide, enUsage: (tx: Db, regimeId: string) => Promise<boolean>): Promise<Regime> {
  return db.transaction(async (tx) => {
    const [avant] = isUuid(id) ? await tx.select().from(regimes).where(eq(regimes.id, id)).for('update') : [];
    if (!avant) throw new ConventionsError('Régime introuvable.', 'regime', 404);
    const montantsChanges = avant.montantPosteCentimes !== v.montantPosteCentimes || avant.moisFinances !== v.moisFinances || avant.bonificationCentimes !== v.bonificationCentimes || avant.nature !== v.nature;
    if (montantsChanges && (await enUsage(tx, id))) {
      throw new ConventionsError('Des conventions sont déjà ouvertes sous ce régime : ses montants, sa durée et sa nature ne changent plus. Créez un nouveau régime.', 'montant_poste_centimes', 409);
    }
    const [apres] = await tx.update(regimes).set({ ...v, updatedAt: new Date() }).where(eq(regimes.id, id)).returning();
    const { nom, entreeDu, entreeAu, montantPosteCentimes, moisFinances, bonificationCentimes, nature } = avant;
    await recordAudit(tx, actor, {
      action: 'conventions.regime_modifie',
      objectType: 'regime',
      objectId: id,
      summary: `Régime de financement modifié : ${v.nom}`,
      before: { nom, entreeDu, entreeAu, montantPosteCentimes, moisFinances, bonificationCentimes, nature },
      after: v,
    });
    return apres!;
  });
}
