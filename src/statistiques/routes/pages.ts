/** The signed-in statistics page of each role and its exports (CSV, XLSX one sheet per section). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps.js';
import { forbidden } from '../../platform/http.js';
import { csvCell } from '../../platform/exports.js';
import { addMonths, formatDate, parisDate } from '../../activites/dates.js';
import { THEMATIQUES, TYPES, label } from '../../activites/codes.js';
import { commune } from '../../territoires/territoires.js';
import { getLieu } from '../../lieux/lieux.js';
import { ECHELLE_LABELS, FILTRES_PERIMETRE, heuresParType, jourSuivant, premiers, type Figures, type FiltrePerimetre } from '../regles.js';
import { filtreDe, lireStatistiques, type Lecture } from './shared.js';
import { parLesComptesRendus } from '../lecture.js';
import type { PerimetreResolu } from '../perimetre.js';
import { choixPerimetres, lirePerimetreChoisi, optionsFiltres, type OptionsFiltres } from '../filtres.js';
import { tableauTerritorial, type LigneTableau, type Regroupement } from '../tableau.js';
import { barresDe, moisCourt, SECTIONS, StatistiquesPage, type Tops, type Valeurs } from '../views/page.js';

function presets(today: string) {
  return [
    { label: '30 derniers jours', du: jourSuivant(today, -29), au: today },
    { label: '12 derniers mois', du: jourSuivant(addMonths(today, -12)), au: today },
    { label: 'Année en cours', du: `${today.slice(0, 4)}-01-01`, au: today },
    { label: 'Année dernière', du: `${Number(today.slice(0, 4)) - 1}-01-01`, au: `${Number(today.slice(0, 4)) - 1}-12-31` },
  ];
}

const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 100) : Array.isArray(v) ? String(v[v.length - 1] ?? '').slice(0, 100) : '');
const strs = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []).flatMap((s) => s.split(',')).filter(Boolean).slice(0, 50);

/** Hours by type, the top communes and places (by name: never a code or an id on screen). */
async function tops(db: AppDeps['db'], f: Figures): Promise<Tops> {
  const lieux = [];
  for (const l of premiers(f.repartitions.lieu_id, 10)) {
    const lieu = await getLieu(db, l.valeur);
    lieux.push({ libelle: lieu?.nom ?? "Lieu d'activité supprimé", nombre: l.accompagnements });
  }
  return {
    heures: heuresParType(f),
    communes: premiers(f.repartitions.commune, 10).map((c) => ({ libelle: commune(c.valeur) ? `${commune(c.valeur)!.nom} (${commune(c.valeur)!.departement})` : 'Commune inconnue', nombre: c.accompagnements })),
    lieux,
  };
}

const LIBELLES_FILTRES: Record<FiltrePerimetre, string> = { conseillers: 'Conseillers', structures: 'Structures', communes: 'Communes', departements: 'Départements', lieux: "Lieux d'activité" };

/** The sections of an export: the filters at the top (the narrowing ones by name, when set), then one table per section. */
export function sectionsExport(r: Extract<Lecture, { ok: true }>, t: Tops, noms?: OptionsFiltres): { nom: string; lignes: (string | number)[][] }[] {
  const p = r.parametres;
  const i = r.indicateurs;
  const filtres: (string | number)[][] = [
    ['Périmètre', `${ECHELLE_LABELS[r.perimetre.echelle]} : ${r.perimetre.libelle}`],
    ['Période', `du ${formatDate(p.du)} au ${formatDate(p.au)}`],
    ["Types d'activité", p.types.length ? p.types.map((x) => label(TYPES, x)).join(', ') : 'Tous'],
    ['Thématiques', p.thematiques.length ? p.thematiques.map((x) => label(THEMATIQUES, x)).join(', ') : 'Toutes'],
    ...FILTRES_PERIMETRE.filter((k) => p[k].length).map((k) => [LIBELLES_FILTRES[k], p[k].map((v) => noms?.[k]?.find((o) => o.value === v)?.label ?? 'Inconnu').join(', ')]),
  ];
  const sections = [
    {
      nom: 'Synthèse',
      lignes: [
        ...filtres,
        [],
        ['Indicateur', 'Nombre'],
        ['Activités', i.activites],
        ['Accompagnements', i.accompagnements],
        ['Participants aux ateliers', i.participants_ateliers],
        ['Personnes accompagnées', i.beneficiaires.total],
        ['dont bénéficiaires suivis', i.beneficiaires.suivis],
        ['dont personnes anonymes', i.beneficiaires.anonymes],
        ['Nouvelles personnes', i.beneficiaires.nouveaux],
      ],
    },
    { nom: 'Par mois', lignes: [['Mois', 'Activités', 'Accompagnements'], ...i.series.mensuelle.map((m) => [moisCourt(m.mois), m.activites, m.accompagnements])] },
    { nom: 'Par jour', lignes: [['Jour', 'Activités', 'Accompagnements'], ...i.series.quotidienne.map((m) => [formatDate(m.jour), m.activites, m.accompagnements])] },
    ...SECTIONS.map((s) => ({ nom: s.titre.slice(0, 31), lignes: [[s.colonne, 'Nombre', 'Part (%)'], ...barresDe(i.repartitions[s.cle]).map((b, k) => [b.libelle, b.nombre, i.repartitions[s.cle][k]!.pourcentage])] })),
    { nom: "Heures par type", lignes: [["Type d'activité", 'Heures'], ...t.heures.map((h) => [h.libelle, h.heures])] },
    { nom: 'Communes', lignes: [['Commune', 'Accompagnements'], ...t.communes.map((c) => [c.libelle, c.nombre])] },
  ];
  return sections.map((s, k) => (k === 0 ? s : { ...s, lignes: [...filtres, [], ...s.lignes] }));
}

/** The territory table that goes with a scope: national by région (or département), a région by département, a département by structure. */
async function tableauDe(db: AppDeps['db'], r: Extract<Lecture, { ok: true }>, parDemande: string, today: string): Promise<{ par: Regroupement; lignes: LigneTableau[] } | null> {
  const e = r.perimetre.echelle;
  let par: Regroupement;
  if (e === 'national') par = parDemande === 'departement' ? 'departement' : 'region';
  else if (e === 'region') par = 'departement';
  else if (e === 'departement') par = 'structure';
  else return null;
  const deps = e === 'national' ? null : r.perimetre.resource.departements;
  // The period and the types (kept per type in the rows read); not the themes nor the narrowing filters.
  const f = { du: r.parametres.du, au: r.parametres.au, types: r.parametres.types, thematiques: [] };
  return { par, lignes: await tableauTerritorial(db, par, deps, f, today) };
}

const LIBELLE_PAR: Record<Regroupement, string> = { region: 'Région', departement: 'Département', structure: 'Structure' };

function feuilleTableau(t: { par: Regroupement; lignes: LigneTableau[] }): (string | number)[][] {
  return [
    [LIBELLE_PAR[t.par], 'Activités', 'Accompagnements', 'Personnes', 'Postes attribués', 'En poste', 'Actifs', 'Inactifs', "Taux d'activation (%)"],
    ...t.lignes.map((l) => [l.nom, l.activites, l.accompagnements, l.personnes, l.postesAttribues, l.enPoste, l.actifs, l.inactifs, l.tauxActivation ?? '']),
  ];
}

/** The query string of a view: its scope, period and filters (exports, the link to share, the presets). */
export function queryDe(v: Valeurs, changes: Partial<Pick<Valeurs, 'du' | 'au'>> = {}): string {
  const w = { ...v, ...changes };
  return new URLSearchParams([
    ...(['du', 'au', 'echelle', 'code'] as const).filter((k) => w[k]).map((k) => [k, w[k]] as [string, string]),
    ...(['types', 'thematiques', ...FILTRES_PERIMETRE] as const).filter((k) => w[k].length).map((k) => [k, w[k].join(',')] as [string, string]),
  ]).toString();
}

export function registerStatistiquesPages(app: FastifyInstance, deps: AppDeps): void {
  async function lire(request: FastifyRequest) {
    const q = { ...(request.query as Record<string, unknown>) };
    // The form's « perimetre » choice (scale and code by name) stands for echelle and code.
    const choisi = str(q.perimetre);
    let erreurChoix: string | null = null;
    if (choisi) {
      const c = lirePerimetreChoisi(choisi);
      if (c) {
        q.echelle = c.echelle;
        q.code = c.code ?? undefined;
      } else erreurChoix = 'Choisissez un périmètre dans la liste.';
    }
    // Another scope chosen than the one shown: its narrowing filters belonged to the old one (they would be refused as outside).
    const affiche = str(q.perimetre_affiche);
    if (choisi && affiche && affiche !== choisi) for (const k of FILTRES_PERIMETRE) delete q[k];
    delete q.perimetre;
    delete q.perimetre_affiche;
    const lu = await lireStatistiques(deps.db, request, undefined, q);
    const r: Lecture = erreurChoix ? { ok: false, status: 400, errors: { perimetre: erreurChoix } } : lu;
    const valeurs: Valeurs = {
      du: str(q.du),
      au: str(q.au),
      echelle: str(q.echelle),
      code: str(q.code),
      types: strs(q.types),
      thematiques: strs(q.thematiques),
      ...(Object.fromEntries(FILTRES_PERIMETRE.map((k) => [k, strs(q[k])])) as Record<FiltrePerimetre, string[]>),
    };
    const parametres = r.parametres;
    if (parametres) {
      valeurs.du = parametres.du;
      valeurs.au = parametres.au;
      for (const k of FILTRES_PERIMETRE) valeurs[k] = parametres[k];
    }
    const resolu = r.perimetre;
    if (resolu) {
      valeurs.echelle = resolu.echelle;
      valeurs.code = resolu.code ?? '';
    }
    return { r, valeurs, query: queryDe(valeurs), resolu: resolu ?? null };
  }

  /** `verifies`: the filters' values passed verifierFiltres, so the ones not listed may be added by name (never on an error: a refused id is not named). */
  async function commun(request: FastifyRequest, valeurs: Valeurs, query: string, resolu: PerimetreResolu | null, verifies: boolean) {
    const today = parisDate(new Date());
    return {
      ctx: request.ctx(),
      valeurs,
      query,
      presets: presets(today).map((x) => ({ ...x, href: `/statistiques/perimetre?${queryDe(valeurs, { du: x.du, au: x.au })}` })),
      lienPartage: `${deps.config.publicUrl}/statistiques/perimetre?${query}`,
      choix: await choixPerimetres(deps.db, request.user!, resolu),
      options: resolu ? await optionsFiltres(deps.db, resolu, valeurs.du || today, valeurs.au || today, verifies ? valeurs : undefined) : null,
    };
  }

  /** The page with the errors beside their fields: the scope's (echelle, code) beside the « perimetre » choice. */
  async function enErreur(request: FastifyRequest, reply: FastifyReply, r: Extract<Lecture, { ok: false }>, valeurs: Valeurs, query: string, resolu: PerimetreResolu | null) {
    // A scope the caller may not read: refused; a filter outside the scope read: the page says which.
    if (r.status === 403 && !r.perimetre) return forbidden(request, reply);
    const errors: Record<string, string> = {};
    for (const [k, m] of Object.entries(r.errors)) {
      const champ = k === 'echelle' || k === 'code' ? 'perimetre' : k;
      errors[champ] = errors[champ] ? `${errors[champ]} ${m}` : m;
    }
    const common = await commun(request, valeurs, query, resolu, false);
    return reply.html(StatistiquesPage({ ...common, errors, direct: false, ...(resolu ? { libelle: resolu.libelle } : {}) }), r.status);
  }

  app.get('/statistiques/perimetre', { config: { access: 'statistiques:consulter' } }, async (request, reply) => {
    const { r, valeurs, query, resolu } = await lire(request);
    const today = parisDate(new Date());
    if (!r.ok) return enErreur(request, reply, r, valeurs, query, resolu);
    const common = await commun(request, valeurs, query, resolu, true);
    const tableau = await tableauDe(deps.db, r, str((request.query as Record<string, unknown>).par), today);
    return reply.html(StatistiquesPage({ ...common, libelle: r.perimetre.libelle, indicateurs: r.indicateurs, tops: await tops(deps.db, r.figures), direct: parLesComptesRendus(filtreDe(r.parametres)), ...(tableau ? { tableau } : {}) }));
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/statistiques/perimetre/export.${format}`, { config: { access: 'statistiques:consulter' } }, async (request, reply) => {
      const { r, valeurs, query, resolu } = await lire(request);
      // A bad filter: the page with the message beside the field, as the page itself answers.
      if (!r.ok) return enErreur(request, reply, r, valeurs, query, resolu);
      const noms = await optionsFiltres(deps.db, r.perimetre, r.parametres.du, r.parametres.au, r.parametres);
      const sections = sectionsExport(r, await tops(deps.db, r.figures), noms);
      const tableau = await tableauDe(deps.db, r, str((request.query as Record<string, unknown>).par), parisDate(new Date()));
      const filtres = sections[0]!.lignes.slice(0, sections[0]!.lignes.findIndex((l) => l.length === 0));
      if (tableau) sections.push({ nom: `Par ${LIBELLE_PAR[tableau.par].toLowerCase()}`, lignes: [...filtres, [], ...feuilleTableau(tableau)] });
      return envoyer(reply, format, `statistiques-${r.parametres.du}-${r.parametres.au}`, sections);
    });
  }
}

/** CSV (sections one after the other, `;`, BOM, formula-safe cells) or XLSX (one sheet per section). */
export async function envoyer(reply: FastifyReply, format: 'csv' | 'xlsx', nom: string, sections: { nom: string; lignes: (string | number)[][] }[]): Promise<FastifyReply> {
  reply.header('content-disposition', `attachment; filename="${nom}.${format}"`);
  if (format === 'csv') {
    const seen = new Set<string>();
    const lignes: string[] = [];
    for (const s of sections) {
      lignes.push(csvCell(s.nom));
      for (const l of s.lignes) {
        const key = l.join('\u0000');
        if (s !== sections[0] && seen.has(key) && l.length === 2 && typeof l[1] === 'string') continue; // the filters once
        seen.add(key);
        lignes.push(l.map(csvCell).join(';'));
      }
      lignes.push('');
    }
    return reply.type('text/csv; charset=utf-8').send(`\uFEFF${lignes.join('\r\n')}`);
  }
  // Loaded at the first XLSX export: exceljs alone weighs ~0.5 s of start-up.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  for (const s of sections) {
    const ws = wb.addWorksheet(s.nom.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31));
    for (const l of s.lignes) ws.addRow(l.map((c) => (typeof c === 'string' ? csvSafe(c) : c)));
  }
  const buffer = await wb.xlsx.writeBuffer();
  return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(buffer));
}

const csvSafe = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
