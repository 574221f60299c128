/** Demo places in Moselle, owned by the demo structures, with the demo conseiller's permanences. */
import type { Db } from '../platform/db.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createLieu } from './lieux.js';
import { normaliseRecord } from './legacy.js';
import { validateLieuV1, type RawRecord } from './standard.js';

export interface DemoLieu {
  structure: string;
  record: RawRecord;
  /** Half-days of the demo conseiller here (only for the places of the conseiller's structure). */
  permanences?: string[];
}

const BASE: RawRecord = {
  source: 'Démonstration',
  date_maj: '2025-01-06',
  frais_a_charge: 'Gratuit',
  itinerance: 'Fixe',
  dispositif_programmes_nationaux: 'Conseillers numériques',
};

export const DEMO_LIEUX: DemoLieu[] = [
  {
    structure: 'metz',
    permanences: ['lundi_matin', 'lundi_apres_midi', 'mercredi_matin'],
    record: {
      ...BASE,
      nom: "Espace numérique de l'Hôtel de Ville de Metz",
      adresse: "1 place d'Armes",
      code_postal: '57000',
      commune: 'Metz',
      latitude: '49.1196',
      longitude: '6.1763',
      telephone: '03 87 00 00 01',
      horaires: 'Mo-Fr 09:00-12:00,14:00-17:00; PH off',
      services: 'Aide aux démarches administratives|Maîtrise des outils numériques du quotidien|Utilisation sécurisée du numérique',
      modalites_acces: 'Se présenter|Téléphoner',
      modalites_accompagnement: 'Accompagnement individuel|Dans un atelier collectif',
      publics_specifiquement_adresses: 'Seniors',
      presentation_resume: 'Aide pour les démarches en ligne, le smartphone et la messagerie, seul ou en atelier.',
      typologie: 'MUNI',
    },
  },
  {
    structure: 'metz',
    permanences: ['jeudi_matin', 'jeudi_apres_midi'],
    record: {
      ...BASE,
      nom: 'Bibliothèque de Borny',
      adresse: '2 boulevard de Provence',
      code_postal: '57070',
      commune: 'Metz',
      latitude: '49.1102',
      longitude: '6.2213',
      horaires: 'Tu-Fr 13:00-18:00; Sa 10:00-17:00',
      services: 'Maîtrise des outils numériques du quotidien|Accès internet et matériel informatique|Loisirs et créations numériques',
      modalites_acces: 'Se présenter',
      modalites_accompagnement: 'En autonomie|Accompagnement individuel',
      publics_specifiquement_adresses: 'Familles et/ou enfants',
      typologie: 'BIB',
    },
  },
  {
    structure: 'mission-locale',
    record: {
      ...BASE,
      nom: 'Mission locale du Pays Messin',
      adresse: '1 avenue de Blida',
      code_postal: '57000',
      commune: 'Metz',
      latitude: '49.1297',
      longitude: '6.1830',
      telephone: '03 87 00 00 02',
      horaires: 'Mo-Fr 08:30-12:00,13:30-17:00',
      services: 'Insertion professionnelle via le numérique|Aide aux démarches administratives',
      modalites_acces: 'Téléphoner|Contacter par mail',
      modalites_accompagnement: 'Accompagnement individuel',
      publics_specifiquement_adresses: 'Jeunes',
      typologie: 'ML',
    },
  },
  {
    structure: 'thionville',
    record: {
      ...BASE,
      nom: "Thi'Pi – pôle numérique de Thionville",
      adresse: '2 rue du Vieux Collège',
      code_postal: '57100',
      commune: 'Thionville',
      latitude: '49.3585',
      longitude: '6.1682',
      horaires: 'Tu-Sa 10:00-12:30,14:00-18:00',
      services: 'Maîtrise des outils numériques du quotidien|Loisirs et créations numériques|Compréhension du monde numérique',
      modalites_acces: 'Se présenter|Prendre un RDV en ligne',
      prise_rdv: 'https://rdv.example.org/thipi',
      modalites_accompagnement: 'Dans un atelier collectif|En autonomie',
      typologie: 'TIERS_LIEUX',
    },
  },
  {
    structure: 'forbach',
    record: {
      ...BASE,
      nom: 'La Turbine – coworking de Forbach',
      adresse: '110 rue du Bruch',
      code_postal: '57600',
      commune: 'Forbach',
      latitude: '49.1878',
      longitude: '6.8966',
      telephone: '03 87 00 00 03',
      horaires: 'Mo-Fr 09:00-17:00',
      services: 'Insertion professionnelle via le numérique|Maîtrise des outils numériques du quotidien',
      modalites_acces: 'Téléphoner',
      modalites_accompagnement: 'Accompagnement individuel|Dans un atelier collectif',
      typologie: 'TIERS_LIEUX',
    },
  },
  {
    structure: 'behren',
    record: {
      ...BASE,
      nom: 'Maison des Services de Behren-lès-Forbach',
      adresse: 'rue de Champagne',
      code_postal: '57460',
      commune: 'Behren-lès-Forbach',
      latitude: '49.1703',
      longitude: '6.9365',
      telephone: '03 87 00 00 04',
      horaires: 'Mo,Tu,Th 09:00-12:00,14:00-17:00; We 09:00-12:00',
      services: 'Aide aux démarches administratives|Maîtrise des outils numériques du quotidien',
      modalites_acces: 'Se présenter|Téléphoner',
      modalites_accompagnement: 'Accompagnement individuel',
      prise_en_charge_specifique: 'Illettrisme|Langues étrangères (autres)',
      typologie: 'CCAS',
    },
  },
  {
    structure: 'achen',
    record: {
      ...BASE,
      nom: "Mairie d'Achen – permanence numérique",
      adresse: '1 rue de la Mairie',
      code_postal: '57412',
      commune: 'Achen',
      latitude: '49.0434',
      longitude: '7.1857',
      horaires: 'We 14:00-17:00',
      services: 'Maîtrise des outils numériques du quotidien|Aide aux démarches administratives',
      modalites_acces: 'Se présenter',
      modalites_accompagnement: 'Accompagnement individuel',
      publics_specifiquement_adresses: 'Seniors',
      typologie: 'MUNI',
    },
  },
];

/** Creates the demo places: `structures` maps a demo key to its structure (id, SIRET). */
export async function seedDemoLieux(db: Db, structures: Map<string, { id: string; siret: string }>, conseillerId: string | null): Promise<number> {
  for (const [i, d] of DEMO_LIEUX.entries()) {
    const s = structures.get(d.structure);
    if (!s) throw new Error(`structure de démonstration inconnue : ${d.structure}`);
    const rec: RawRecord = { ...d.record, id: `demo-${i + 1}`, pivot: s.siret };
    normaliseRecord(rec);
    const v = validateLieuV1(rec);
    if (!v.ok) throw new Error(`lieu de démonstration invalide ${d.record.nom} : ${JSON.stringify(v.problems)}`);
    await createLieu(
      db,
      SYSTEM_ACTOR,
      { v: v.value, structureId: s.id, public: true, permanences: d.permanences && conseillerId ? [{ userId: conseillerId, creneaux: d.permanences }] : [] },
      { demo: true },
    );
  }
  return DEMO_LIEUX.length;
}
