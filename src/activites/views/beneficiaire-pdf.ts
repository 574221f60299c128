/**
 * The PDF given to a followed beneficiary exercising their right of access (RGPD article 15):
 * the same data as the JSON export, in plain French (labels, never codes or identifiers; dates in
 * Europe/Paris written « 12 mars 2026 »), through the platform's PDF template.
 */
import type { PdfBlock, PdfDescription, PdfSection } from '../../platform/pdf/pdf.js';
import { commune } from '../../territoires/territoires.js';
import { AUTONOMIE, LIEU_TYPES, MATERIEL, NIVEAUX_ATELIER, ORIENTATIONS, THEMATIQUES, THEMATIQUES_DEMARCHES, TRANCHES_AGE, TYPES, label } from '../codes.js';
import { dateLongue, parisDate } from '../dates.js';
import type { exportBeneficiaire } from '../beneficiaires.js';

export type BeneficiaireExport = NonNullable<Awaited<ReturnType<typeof exportBeneficiaire>>>;

export { dateLongue };

/** The Europe/Paris calendar day of an instant, written long. */
export function instantLong(iso: string | Date): string {
  return dateLongue(parisDate(typeof iso === 'string' ? new Date(iso) : iso));
}

/** « 45 min », « 1 h », « 1 h 30 ». */
export function dureeLongue(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
}

const communeNom = (insee: string | null) => (insee ? (commune(insee)?.nom ?? 'Commune inconnue') : '');
const list = (codes: readonly string[], l: { labels: Record<string, string> }) => codes.map((c) => label(l, c)).join(', ');

export interface BeneficiairePdfContext {
  /** Name of a lieu d'activité of the conseiller, by id. */
  lieuNom: (id: string) => string | undefined;
  /** Who produces the document (the signed-in conseiller). */
  conseiller: string;
  now: Date;
}

export function beneficiaireExportDescription(data: BeneficiaireExport, ctx: BeneficiairePdfContext): PdfDescription {
  const b = data.beneficiaire;
  const efface = !b.prenom && !b.nom;
  const nom = efface ? 'Bénéficiaire anonymisé' : [b.prenom, b.nom].filter(Boolean).join(' ');
  const rows: [string, string][] = [
    ['Prénom', b.prenom ?? (efface ? 'Effacé' : 'Non renseigné')],
    ['Nom', b.nom ?? (efface ? 'Effacé' : 'Non renseigné')],
    ['Année de naissance', b.annee_naissance ? String(b.annee_naissance) : 'Non renseignée'],
    ["Tranche d'âge", label(TRANCHES_AGE, b.tranche_age)],
    ['Commune', communeNom(b.commune_insee) || 'Non renseignée'],
    ['Téléphone', b.telephone ?? 'Non renseigné'],
    ['Adresse électronique', b.email ?? 'Non renseignée'],
    ['Notes du conseiller', b.notes ?? 'Aucune'],
    ['Consentement au suivi recueilli le', b.consentement_le ? instantLong(b.consentement_le) : 'Non renseigné'],
    ['Fiche créée le', instantLong(b.cree_le)],
  ];
  if (b.fiches_fusionnees.length)
    rows.push([
      'Fiches fusionnées',
      `${b.fiches_fusionnees.length} fiche${b.fiches_fusionnees.length > 1 ? 's' : ''} en double réunie${b.fiches_fusionnees.length > 1 ? 's' : ''} dans celle-ci`,
    ]);

  const sections: PdfSection[] = [
    {
      blocks: [
        {
          type: 'paragraph',
          text:
            `Ce document rassemble toutes les données enregistrées sur ${efface ? 'ce bénéficiaire' : nom} par son conseiller numérique, ` +
            "à sa demande, au titre du droit d'accès (article 15 du règlement général sur la protection des données).",
        },
      ],
    },
    { heading: 'Identité et coordonnées', blocks: [{ type: 'rows', rows }] },
  ];

  const acts = data.activites;
  if (acts.length === 0) sections.push({ heading: 'Accompagnements', blocks: [{ type: 'paragraph', text: 'Aucun accompagnement enregistré.' }] });
  else {
    sections.push({
      heading: `Accompagnements (${acts.length})`,
      blocks: [
        {
          type: 'table',
          columns: ['Date', 'Type', 'Durée', 'Thématiques'],
          widths: [2, 2.4, 1.1, 4.5],
          rows: acts.map((a) => [dateLongue(a.date), label(TYPES, a.type), dureeLongue(a.duree_minutes), list(a.thematiques, THEMATIQUES)]),
        },
      ],
    });
    for (const a of acts) {
      const lieu =
        a.lieu.type === 'lieu_activite'
          ? (a.lieu.lieu_id && ctx.lieuNom(a.lieu.lieu_id)) || "Lieu d'activité"
          : [label(LIEU_TYPES, a.lieu.type), communeNom(a.lieu.commune_insee)].filter(Boolean).join(', ');
      const r: [string, string][] = [
        ['Type', label(TYPES, a.type)],
        ['Durée', dureeLongue(a.duree_minutes)],
        ['Lieu', lieu],
        ['Thématiques', list(a.thematiques, THEMATIQUES)],
      ];
      if (a.thematiques_demarches.length) r.push(['Démarches administratives', list(a.thematiques_demarches, THEMATIQUES_DEMARCHES)]);
      if (a.nom_demarche) r.push(['Démarche', a.nom_demarche]);
      if (a.materiel.length) r.push(['Matériel utilisé', list(a.materiel, MATERIEL)]);
      if (a.autonomie) r.push(['Autonomie', label(AUTONOMIE, a.autonomie)]);
      if (a.orientation) r.push(['Orientation', label(ORIENTATIONS, a.orientation)]);
      if (a.titre_atelier) r.push(["Titre de l'atelier", a.titre_atelier]);
      if (a.niveau_atelier) r.push(["Niveau de l'atelier", label(NIVEAUX_ATELIER, a.niveau_atelier)]);
      if (a.notes) r.push(['Notes', a.notes]);
      r.push(['Enregistré le', instantLong(a.created_at)]);
      if (a.updated_at !== a.created_at && parisDate(new Date(a.updated_at)) !== parisDate(new Date(a.created_at))) r.push(['Modifié le', instantLong(a.updated_at)]);
      sections.push({ heading: `Accompagnement du ${dateLongue(a.date)}`, blocks: [{ type: 'rows', rows: r }] });
    }
  }

  const about: PdfBlock[] = [
    { type: 'paragraph', text: `Document établi le ${instantLong(ctx.now)} par ${ctx.conseiller}.` },
    {
      type: 'paragraph',
      muted: true,
      text:
        'Vous pouvez demander à votre conseiller numérique de corriger ces données ou de les effacer. ' +
        "Les accompagnements restent comptés de façon anonyme dans les statistiques du dispositif. L'empreinte imprimée en bas de " +
        'chaque page permet de vérifier que le contenu de ce document n’a pas été modifié.',
    },
  ];
  sections.push({ heading: 'À propos de ce document', blocks: about });

  return { title: 'Données personnelles d’un bénéficiaire suivi', subtitle: nom, sections };
}

/** An ASCII file name for the download: donnees-jeanne-dupont-2026-12-01.pdf. */
export function exportFileName(data: BeneficiaireExport, now: Date): string {
  const who = [data.beneficiaire.prenom, data.beneficiaire.nom]
    .filter(Boolean)
    .join(' ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `donnees-${who || 'beneficiaire'}-${parisDate(now)}.pdf`;
}
