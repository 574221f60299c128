/**
 * Company lookup through the national company directory API « Recherche d'entreprises »
 * (https://recherche-entreprises.api.gouv.fr): GET {ENTREPRISES_API_URL}/search?q=<siret>&page=1&per_page=1.
 * A 14-digit q is a direct SIRET lookup on the API side (other filters are ignored). One interface,
 * a real HTTP client (fetch with a timeout) and an in-memory stand-in for tests and for instances
 * without the API.
 */

export type TypeStructureSuggere =
  | 'commune'
  | 'departement'
  | 'region'
  | 'epci'
  | 'collectivite_statut_particulier'
  | 'gip'
  | 'association'
  | 'entreprise_ess'
  | 'fondation';

export interface Entreprise {
  siret: string;
  /** Legal name (raison sociale) as the directory gives it, e.g. « COMMUNE DE METZ ». */
  nom: string;
  /** Number and street only (« 1 PLACE D'ARMES »), without postal code nor commune. */
  adresse: string;
  codePostal: string;
  /** INSEE code of the commune (« 57463 »), not the postal code. */
  communeInsee: string;
  commune: string;
  /** INSEE « catégorie juridique » code, e.g. « 7210 ». */
  natureJuridique: string;
  /** French label of the code, or the code itself when unknown here. */
  formeJuridique: string;
  typeSuggere: TypeStructureSuggere | null;
  /** The établissement is closed (etat_administratif « F »). */
  fermee: boolean;
}

export interface AnnuaireEntreprises {
  /** The établissement with this SIRET, or null when the directory does not know it. */
  parSiret(siret: string): Promise<Entreprise | null>;
}

export class AnnuaireIndisponible extends Error {}

/** Labels of the INSEE « catégories juridiques » this module maps (and a few neighbours). */
const FORMES_JURIDIQUES: Record<string, string> = {
  '5191': 'Société de caution mutuelle',
  '5192': 'Société coopérative de banque populaire',
  '5458': 'SARL coopérative de production (SCOP)',
  '5459': 'SARL union de sociétés coopératives',
  '5460': 'Autre SARL coopérative',
  '5499': 'Société à responsabilité limitée (sans autre indication)',
  '5558': 'SA coopérative de production (SCOP) à conseil d’administration',
  '5559': 'SA union de sociétés coopératives à conseil d’administration',
  '5560': 'Autre SA coopérative à conseil d’administration',
  '5599': 'SA à conseil d’administration (s.a.i.)',
  '5658': 'SA coopérative de production (SCOP) à directoire',
  '5659': 'SA union de sociétés coopératives à directoire',
  '5660': 'Autre SA coopérative à directoire',
  '5710': 'SAS, société par actions simplifiée',
  '6316': 'Coopérative d’utilisation de matériel agricole en commun (CUMA)',
  '6317': 'Société coopérative agricole',
  '6318': 'Union de sociétés coopératives agricoles',
  '7210': 'Commune et commune nouvelle',
  '7220': 'Département',
  '7225': 'Collectivité et territoire d’Outre-Mer',
  '7229': '(Autre) Collectivité territoriale',
  '7230': 'Région',
  '7340': 'Pôle métropolitain',
  '7341': 'Secteur de commune',
  '7342': 'District urbain',
  '7343': 'Communauté urbaine',
  '7344': 'Métropole',
  '7345': 'Syndicat intercommunal à vocation multiple (SIVOM)',
  '7346': 'Communauté de communes',
  '7347': 'Communauté de villes',
  '7348': 'Communauté d’agglomération',
  '7353': 'Syndicat intercommunal à vocation unique (SIVU)',
  '7354': 'Syndicat mixte fermé',
  '7355': 'Syndicat mixte ouvert',
  '7361': 'Centre communal d’action sociale',
  '7367': 'Centre intercommunal d’action sociale (CIAS)',
  '7410': 'Groupement d’intérêt public (GIP)',
  '7470': 'Groupement de coopération sanitaire à gestion publique',
  '7490': 'Autre personne morale de droit administratif',
  '9210': 'Association non déclarée',
  '9220': 'Association déclarée',
  '9221': 'Association déclarée d’insertion par l’économique',
  '9222': 'Association intermédiaire',
  '9223': 'Groupement d’employeurs',
  '9224': 'Association d’avocats à responsabilité professionnelle individuelle',
  '9230': 'Association déclarée, reconnue d’utilité publique',
  '9240': 'Congrégation',
  '9260': 'Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)',
  '9300': 'Fondation',
};

/** French label of an INSEE « catégorie juridique » code; the code itself when unknown. */
export function libelleFormeJuridique(code: string): string {
  return FORMES_JURIDIQUES[code] ?? code;
}

// EPCI: communautés urbaines, métropoles, syndicats intercommunaux (SIVOM, SIVU), communautés de
// communes / de villes / d'agglomération, districts (historical), syndicats mixtes fermés.
// 7341 « Secteur de commune » (arrondissements of Paris/Lyon/Marseille) is not an EPCI.
const EPCI = new Set(['7342', '7343', '7344', '7345', '7346', '7347', '7348', '7353', '7354']);
// Cooperatives of the social and solidarity economy (SCOP, unions, other SARL / SA coops).
const COOPERATIVES = new Set(['5458', '5459', '5460', '5558', '5559', '5560', '5658', '5659', '5660']);

/** Suggests the kind of structure from its INSEE « catégorie juridique » code. */
export function typeDepuisNatureJuridique(code: string): TypeStructureSuggere | null {
  const c = code.trim();
  if (!/^\d{4}$/.test(c)) return null;
  switch (c) {
    case '7210':
      return 'commune';
    case '7220':
      return 'departement';
    case '7230':
      return 'region';
    case '7225': // collectivités et territoires d'outre-mer
    case '7229': // collectivités à statut particulier (Corse, Martinique, Guyane, Ville de Paris…)
      return 'collectivite_statut_particulier';
    case '7410': // the INSEE code of the groupement d'intérêt public
      return 'gip';
    case '9300':
      return 'fondation';
  }
  if (EPCI.has(c)) return 'epci';
  if (c.startsWith('92')) return 'association';
  if (c.startsWith('93')) return 'fondation';
  if (COOPERATIVES.has(c) || c.startsWith('63')) return 'entreprise_ess';
  return null;
}

/** SIRENE street-type codes → words (the directory may give either; words pass through). */
const TYPES_VOIE: Record<string, string> = {
  ALL: 'ALLEE',
  AV: 'AVENUE',
  BD: 'BOULEVARD',
  CAR: 'CARREFOUR',
  CHE: 'CHEMIN',
  CHS: 'CHAUSSEE',
  COR: 'CORNICHE',
  CRS: 'COURS',
  DOM: 'DOMAINE',
  DSC: 'DESCENTE',
  ECA: 'ECART',
  ESP: 'ESPLANADE',
  FG: 'FAUBOURG',
  GR: 'GRANDE RUE',
  HAM: 'HAMEAU',
  HLE: 'HALLE',
  IMP: 'IMPASSE',
  LD: 'LIEU DIT',
  LOT: 'LOTISSEMENT',
  MAR: 'MARCHE',
  MTE: 'MONTEE',
  PAS: 'PASSAGE',
  PL: 'PLACE',
  PLN: 'PLAINE',
  PLT: 'PLATEAU',
  PRO: 'PROMENADE',
  PRV: 'PARVIS',
  QUA: 'QUARTIER',
  RES: 'RESIDENCE',
  RLE: 'RUELLE',
  ROC: 'ROCADE',
  RPT: 'ROND POINT',
  RTE: 'ROUTE',
  SEN: 'SENTIER',
  SQ: 'SQUARE',
  TPL: 'TERRE PLEIN',
  TRA: 'TRAVERSE',
  VLA: 'VILLA',
  VLGE: 'VILLAGE',
};

const INDICES_REPETITION: Record<string, string> = { B: 'BIS', T: 'TER', Q: 'QUATER', C: 'QUINQUIES' };

type Brut = Record<string, unknown>;

const isObject = (v: unknown): v is Brut => typeof v === 'object' && v !== null && !Array.isArray(v);
const texte = (o: Brut, k: string): string => {
  const v = o[k];
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
};
const normSiret = (s: string) => s.replace(/\s+/g, '');

/** Number + street of an établissement, built from its fields or cut out of its full `adresse`. */
function voieDe(e: Brut): string {
  const type = texte(e, 'type_voie').toUpperCase();
  const indice = texte(e, 'indice_repetition').toUpperCase();
  const parts = [texte(e, 'numero_voie'), INDICES_REPETITION[indice] ?? indice, TYPES_VOIE[type] ?? type, texte(e, 'libelle_voie')];
  const voie = parts.filter((p) => p !== '').join(' ');
  if (voie) return voie;
  // The API's `adresse` is « complement numero indice type libelle code_postal commune »:
  // keep what is left once the complement, postal code and commune are removed.
  let adresse = texte(e, 'adresse');
  const complement = texte(e, 'complement_adresse');
  if (complement && adresse.startsWith(complement)) adresse = adresse.slice(complement.length).trim();
  const fin = [texte(e, 'code_postal'), texte(e, 'libelle_commune')].filter((p) => p !== '').join(' ');
  if (fin && adresse.endsWith(fin)) adresse = adresse.slice(0, -fin.length).trim();
  return adresse;
}

/**
 * Reads a /search answer and returns the établissement with this SIRET: one of the unit's
 * matching_etablissements, else its siège when that is the one asked, else null.
 */
export function lireReponseAnnuaire(json: unknown, siret: string): Entreprise | null {
  if (!isObject(json) || !Array.isArray(json.results)) throw new AnnuaireIndisponible('Réponse de l’annuaire des entreprises illisible.');
  const wanted = normSiret(siret);
  for (const unite of json.results) {
    if (!isObject(unite)) throw new AnnuaireIndisponible('Réponse de l’annuaire des entreprises illisible.');
    const matching = Array.isArray(unite.matching_etablissements) ? unite.matching_etablissements.filter(isObject) : [];
    const etab =
      matching.find((e) => normSiret(texte(e, 'siret')) === wanted) ??
      (isObject(unite.siege) && normSiret(texte(unite.siege, 'siret')) === wanted ? unite.siege : undefined);
    if (!etab) continue;
    const natureJuridique = texte(unite, 'nature_juridique');
    return {
      siret: wanted,
      nom: texte(unite, 'nom_raison_sociale') || texte(unite, 'nom_complet'),
      adresse: voieDe(etab),
      codePostal: texte(etab, 'code_postal'),
      communeInsee: texte(etab, 'commune'),
      commune: texte(etab, 'libelle_commune'),
      natureJuridique,
      formeJuridique: natureJuridique ? libelleFormeJuridique(natureJuridique) : '',
      typeSuggere: typeDepuisNatureJuridique(natureJuridique),
      fermee: texte(etab, 'etat_administratif').toUpperCase() === 'F',
    };
  }
  return null;
}

export class AnnuaireRechercheEntreprises implements AnnuaireEntreprises {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 2_000,
  ) {}

  async parSiret(siret: string): Promise<Entreprise | null> {
    const wanted = normSiret(siret);
    // Anything else than 14 digits would be a full-text search on the API side.
    if (!/^\d{14}$/.test(wanted)) return null;
    const url = new URL(`${this.baseUrl.replace(/\/$/, '')}/search`);
    url.searchParams.set('q', wanted);
    url.searchParams.set('page', '1');
    url.searchParams.set('per_page', '1');
    // One signal for the whole exchange: it also aborts a body that trickles in too slowly.
    const signal = AbortSignal.timeout(this.timeoutMs);
    const raison = (e: unknown) => ((e as Error)?.name === 'TimeoutError' || signal.aborted ? 'délai dépassé' : (e as Error)?.message ?? String(e));
    let res: Response;
    try {
      res = await fetch(url, { signal, headers: { accept: 'application/json' } });
    } catch (e) {
      throw new AnnuaireIndisponible(`L’annuaire des entreprises ne répond pas (${raison(e)}).`);
    }
    if (res.status === 404) {
      await res.arrayBuffer().catch(() => undefined);
      return null;
    }
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      throw new AnnuaireIndisponible(`L’annuaire des entreprises a répondu ${res.status}.`);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch (e) {
      if (signal.aborted) throw new AnnuaireIndisponible(`L’annuaire des entreprises ne répond pas (${raison(e)}).`);
      throw new AnnuaireIndisponible('Réponse de l’annuaire des entreprises illisible.');
    }
    return lireReponseAnnuaire(json, wanted);
  }
}

/** A stand-in: a fixed list of établissements, found by SIRET. */
export class AnnuaireEnMemoire implements AnnuaireEntreprises {
  constructor(private readonly entries: Entreprise[]) {}

  async parSiret(siret: string): Promise<Entreprise | null> {
    const wanted = normSiret(siret);
    const found = this.entries.find((e) => normSiret(e.siret) === wanted);
    return found ? { ...found } : null;
  }
}

/** No company directory configured (ENTREPRISES_API_URL=off). */
export const SANS_ANNUAIRE: AnnuaireEntreprises = {
  async parSiret() {
    throw new AnnuaireIndisponible('Annuaire des entreprises désactivé.');
  },
};
