/**
 * The agreement document: a PDF generated from the agreement (parties, posts, regime, amount in
 * figures and in words, duration, the repayment clause) with the platform's template, versioned
 * (a new version whenever the amount, posts or dates change: after a signature, it is an addendum),
 * signed in the app by the structure's legal representative (name, role, date, and the SHA-256 of the
 * exact PDF bytes they were shown), or replaced by an uploaded countersigned PDF.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { buildPdf, type PdfDescription } from '../platform/pdf/pdf.js';
import { checkContent, getFile, openFile, storeFile, type FileStorage, type FileWithContent } from '../platform/uploads/index.js';
import { formatEuros } from '../platform/money.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { getStructure } from '../structures/structures.js';
import { commune } from '../territoires/territoires.js';
import { documents } from './schema.js';
import { DUREE_MAX_MOIS, frDate, LIMITES, montantEnLettres, montantUnitaire, NATURES_REGIME } from './regles.js';
import { getConvention, lockConvention, passerEnInstruction, postesDe, type Convention } from './conventions.js';
import { ConventionsError, getRegime } from './regimes.js';
import { nomActeur } from '../programme/dossiers.js';

export type Document = typeof documents.$inferSelect;

export const NATURES_DOCUMENT = { convention: 'Convention', avenant: 'Avenant financier', contresigne: 'Convention contresignée (déposée)' } as const;

export async function documentsDe(db: Db, conventionId: string): Promise<Document[]> {
  return db.select().from(documents).where(eq(documents.conventionId, conventionId)).orderBy(desc(documents.version));
}

/** The agreement's text, as a structured description (its fingerprint is printed on every page). */
export async function descriptionConvention(db: Db, c: Convention, nature: 'convention' | 'avenant', version: number): Promise<PdfDescription> {
  const [regime, structure, ps] = await Promise.all([getRegime(db, c.regimeId), getStructure(db, c.structureId), postesDe(db, c.id)]);
  if (!regime) throw new Error('Régime introuvable');
  const unit = montantUnitaire(regime, c.prioritaire);
  const actifs = ps.filter((p) => !p.renduLe);
  const ville = structure ? commune(structure.communeInsee)?.nom ?? '' : '';
  return {
    title: `${nature === 'avenant' ? 'Avenant financier à la convention' : 'Convention de financement'} n° ${c.numero}`,
    subtitle: `Dispositif Conseiller numérique — version ${version}`,
    sections: [
      {
        heading: 'Entre les parties',
        blocks: [
          { type: 'paragraph', text: "L'État, représenté par la Banque des Territoires (Caisse des Dépôts et Consignations) agissant pour le compte de l'Agence nationale de la cohésion des territoires (ANCT), ci-après « le financeur »," },
          { type: 'paragraph', text: `et ${c.nom}, SIRET ${c.siret}${structure ? `, ${structure.adresse}, ${structure.codePostal} ${ville}` : ''}, représentée par son représentant légal, ci-après « la structure d'accueil ».` },
        ],
      },
      {
        heading: 'Article 1 — Objet',
        blocks: [
          {
            type: 'paragraph',
            text: `La présente convention finance l'accueil de conseillers numériques par la structure d'accueil${c.coselecNumero ? `, à la suite de la décision du comité de sélection n° ${c.coselecNumero}` : ''}. Régime de financement : « ${regime.nom} » (${NATURES_REGIME[regime.nature as keyof typeof NATURES_REGIME] ?? regime.nature}).`,
          },
        ],
      },
      {
        heading: 'Article 2 — Postes financés',
        blocks: [
          { type: 'paragraph', text: `${actifs.length} poste${actifs.length > 1 ? 's' : ''} de conseiller numérique ${actifs.length > 1 ? 'sont financés' : 'est financé'}.` },
          {
            type: 'table',
            columns: ['Poste', 'À compter du', 'Montant'],
            rows: ps.map((p) => [`Poste n° ${p.numero}`, frDate(p.debut), p.renduLe ? `rendu le ${frDate(p.renduLe)}` : formatEuros(unit)]),
            widths: [1, 1, 1],
          },
        ],
      },
      {
        heading: 'Article 3 — Montant de la subvention',
        blocks: [
          {
            type: 'rows',
            rows: [
              ['Montant par poste', `${formatEuros(regime.montantPosteCentimes)} pour ${regime.moisFinances} mois`],
              ...(c.prioritaire ? ([['Bonification (territoire prioritaire ZRR ou QPV)', `${formatEuros(regime.bonificationCentimes)} par poste`]] as [string, string][]) : []),
              ['Montant total', formatEuros(c.montantCentimes)],
              ['En toutes lettres', montantEnLettres(c.montantCentimes)],
            ],
          },
        ],
      },
      {
        heading: 'Article 4 — Durée',
        blocks: [{ type: 'paragraph', text: `La convention prend effet le ${frDate(c.dateDebut)} et se termine le ${frDate(c.dateFin)} (au plus ${DUREE_MAX_MOIS} mois). Un financement au-delà fait l'objet d'un reconventionnement.` }],
      },
      {
        heading: 'Article 5 — Versements',
        blocks: [{ type: 'paragraph', text: 'La subvention est versée par la Banque des Territoires dans la limite du montant conventionné ; chaque versement est notifié à la structure dans la plateforme.' }],
      },
      {
        heading: 'Article 8 — Reversement',
        blocks: [
          {
            type: 'paragraph',
            text: `Chaque poste justifie son montant au prorata des mois où il est effectivement occupé par un conseiller sous contrat : montant par poste × mois occupés ÷ ${regime.moisFinances} mois financés. Les sommes versées que la structure ne peut justifier (poste resté vacant, poste rendu) sont reversées au financeur à l'issue de la convention.`,
          },
        ],
      },
      {
        heading: 'Signature',
        blocks: [{ type: 'paragraph', text: "Signée dans la plateforme Conseiller numérique par le représentant légal de la structure d'accueil (nom, fonction, date et empreinte SHA-256 de ce document enregistrés), ou contresignée et déposée.", muted: true }],
      },
    ],
  };
}

/**
 * The current version of the agreement's document: generated when there is none or when the amount,
 * posts or dates changed since the latest one (after a signature, the new version is an addendum).
 */
export async function documentCourant(db: Db, storage: FileStorage, actor: Actor, conventionId: string): Promise<Document | undefined> {
  const c = await getConvention(db, conventionId);
  if (!c) return undefined;
  const list = await documentsDe(db, c.id);
  const generes = list.filter((d) => d.nature !== 'contresigne');
  const dernier = generes[0];
  const empreinte = `${c.montantCentimes}|${c.postes}|${c.dateDebut}|${c.dateFin}`;
  if (dernier && `${dernier.montantCentimes}|${dernier.postes}|${dernier.dateDebut}|${dernier.dateFin}` === empreinte) return dernier;
  const signe = list.some((d) => d.signeLe !== null);
  const nature = signe ? 'avenant' : 'convention';
  const version = (list[0]?.version ?? 0) + 1;
  const { bytes } = await buildPdf(await descriptionConvention(db, c, nature, version), { author: c.nom, subject: `Convention n° ${c.numero}`, service: 'Conseiller numérique' });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let doc: Document | undefined;
  try {
    await storeFile(
      db,
      storage,
      { ownerContext: 'conventions', ownerId: c.id, name: `convention-${c.numero}-v${version}.pdf`, mediaType: 'application/pdf', content: bytes, libelle: `${NATURES_DOCUMENT[nature]} n° ${c.numero}, version ${version}`, uploadedBy: { userId: actor.userId, label: actor.label } },
      async (tx, file) => {
        [doc] = await tx
          .insert(documents)
          .values({ conventionId: c.id, version, nature, fichierId: file.id, sha256, montantCentimes: c.montantCentimes, postes: c.postes, dateDebut: c.dateDebut, dateFin: c.dateFin, par: nomActeur(actor) })
          .returning();
      },
    );
  } catch (e) {
    // Two readers generated the same version at once: the other one's stands.
    const again = (await documentsDe(db, c.id)).find((d) => d.version === version);
    if (again) return again;
    throw e;
  }
  return doc;
}

export async function ouvrirDocument(db: Db, storage: FileStorage, conventionId: string, documentId: string): Promise<FileWithContent | null> {
  if (!isUuid(documentId)) return null;
  const [d] = await db.select().from(documents).where(and(eq(documents.conventionId, conventionId), eq(documents.id, documentId)));
  if (!d) return null;
  const f = await getFile(db, 'conventions', conventionId, d.fichierId);
  return f ? openFile(storage, f) : null;
}

export interface Signature {
  nom: string;
  fonction: string;
  /** The SHA-256 of the PDF the signer was shown: it must be the version's exact bytes. */
  sha256: string;
  certifie: boolean;
}

export function validateSignature(i: { nom: unknown; fonction: unknown; sha256: unknown; certifie: unknown }): { ok: true; value: Signature } | { ok: false; errors: Record<string, string> } {
  const e: Record<string, string> = {};
  const nom = typeof i.nom === 'string' ? i.nom.trim() : '';
  const fonction = typeof i.fonction === 'string' ? i.fonction.trim() : '';
  if (!nom) e.nom = 'Indiquez le nom du représentant légal qui signe.';
  else if (nom.length > LIMITES.signataire) e.nom = `Le nom doit contenir au plus ${LIMITES.signataire} caractères.`;
  if (!fonction) e.fonction = 'Indiquez sa fonction (maire, président, directrice…).';
  else if (fonction.length > LIMITES.fonction) e.fonction = `La fonction doit contenir au plus ${LIMITES.fonction} caractères.`;
  const sha256 = typeof i.sha256 === 'string' ? i.sha256.trim().toLowerCase() : '';
  if (!/^[0-9a-f]{64}$/.test(sha256)) e.sha256 = "L'empreinte du document signé manque : rouvrez la page de la convention.";
  const certifie = i.certifie === true || i.certifie === 'on' || i.certifie === 'oui';
  if (!certifie) e.certifie = 'Cochez la case : vous certifiez être le représentant légal de la structure, ou avoir sa délégation.';
  return Object.keys(e).length ? { ok: false, errors: e } : { ok: true, value: { nom, fonction, sha256, certifie } };
}

/** Signs a generated version (the latest): once only, and only the exact bytes shown. */
export async function signer(db: Db, actor: Actor, conventionId: string, documentId: string, s: Signature): Promise<Document> {
  return db.transaction(async (tx) => {
    const c = await lockConvention(tx, conventionId);
    if (c.etat === 'refuse' || c.etat === 'sans_suite') throw new ConventionsError('Cette convention est close : elle ne se signe plus.', 'convention', 409);
    const list = await documentsDe(tx, c.id);
    const d = isUuid(documentId) ? list.find((x) => x.id === documentId) : undefined;
    if (!d || d.nature === 'contresigne') throw new ConventionsError('Document introuvable.', 'document', 404);
    if (d.signeLe) throw new ConventionsError(`Ce document est déjà signé, par ${d.signeNom} le ${d.signeLe.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' })}.`, 'document', 409);
    if (list.find((x) => x.nature !== 'contresigne')?.id !== d.id) throw new ConventionsError('Une version plus récente du document existe : signez la dernière.', 'document', 409);
    if (d.nature === 'convention' && c.etat !== 'en_construction') throw new ConventionsError('Cette convention est déjà signée.', 'document', 409);
    if (s.sha256 !== d.sha256) throw new ConventionsError("Le document signé n'est pas celui enregistré (empreinte différente) : rouvrez la page et signez à nouveau.", 'sha256', 409);
    const [after] = await tx.update(documents).set({ signeNom: s.nom, signeFonction: s.fonction, signeLe: new Date(), signePar: actor.userId }).where(eq(documents.id, d.id)).returning();
    await passerEnInstruction(tx, actor, c, `${NATURES_DOCUMENT[d.nature as 'convention' | 'avenant']} version ${d.version} signé par ${s.nom} (${s.fonction}) — empreinte SHA-256 ${d.sha256}`);
    await recordAudit(tx, actor, { action: 'conventions.signature', objectType: 'convention', objectId: c.id, summary: `Convention n° ${c.numero} signée par ${s.nom} (${s.fonction}), version ${d.version}`, after: { document: d.id, sha256: d.sha256, nom: s.nom, fonction: s.fonction } });
    return after!;
  });
}

/** The countersigned PDF, uploaded instead of signing in the app (only while the agreement awaits its signature). */
export async function deposerContresigne(db: Db, storage: FileStorage, actor: Actor, conventionId: string, file: { name: string; content: Buffer }, signataire: { nom: string; fonction: string }): Promise<Document> {
  const c = await getConvention(db, conventionId);
  if (!c) throw new ConventionsError('Convention introuvable.', 'convention', 404);
  if (c.etat !== 'en_construction') throw new ConventionsError('Cette convention est déjà signée.', 'fichier', 409);
  const check = await checkContent(file.content, ['application/pdf']);
  if (!check.ok) throw new ConventionsError(check.message, 'fichier', 415);
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  let doc: Document | undefined;
  await storeFile(
    db,
    storage,
    { ownerContext: 'conventions', ownerId: c.id, name: file.name || `convention-${c.numero}-contresignee.pdf`, mediaType: 'application/pdf', content: file.content, libelle: `Convention n° ${c.numero} contresignée`, uploadedBy: { userId: actor.userId, label: actor.label } },
    async (tx, f) => {
      const locked = await lockConvention(tx, c.id);
      if (locked.etat !== 'en_construction') throw new ConventionsError('Cette convention est déjà signée.', 'fichier', 409);
      const [last] = await tx.select({ v: documents.version }).from(documents).where(eq(documents.conventionId, c.id)).orderBy(desc(documents.version)).limit(1);
      [doc] = await tx
        .insert(documents)
        .values({ conventionId: c.id, version: (last?.v ?? 0) + 1, nature: 'contresigne', fichierId: f.id, sha256, montantCentimes: locked.montantCentimes, postes: locked.postes, dateDebut: locked.dateDebut, dateFin: locked.dateFin, signeNom: signataire.nom, signeFonction: signataire.fonction, signeLe: new Date(), signePar: actor.userId, par: nomActeur(actor) })
        .returning();
      await passerEnInstruction(tx, actor, locked, `Convention contresignée déposée par ${nomActeur(actor)} (signataire : ${signataire.nom}, ${signataire.fonction}) — empreinte SHA-256 ${sha256}`);
      await recordAudit(tx, actor, { action: 'conventions.contresignee', objectType: 'convention', objectId: c.id, summary: `Convention n° ${c.numero} contresignée déposée`, after: { sha256, nom: signataire.nom } });
    },
  );
  return doc!;
}
