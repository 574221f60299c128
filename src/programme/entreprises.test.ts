import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnnuaireEnMemoire,
  AnnuaireIndisponible,
  AnnuaireRechercheEntreprises,
  SANS_ANNUAIRE,
  lireReponseAnnuaire,
  libelleFormeJuridique,
  typeDepuisNatureJuridique,
  type Entreprise,
} from './entreprises.js';

const SIRET_MAIRIE = '21570463500015';
const SIRET_ANNEXE = '21570463500999';

/** The shape of recherche-entreprises.api.gouv.fr/search?q=<siret> (fields trimmed). */
const METZ = {
  results: [
    {
      siren: '215704635',
      nom_complet: 'commune de metz',
      nom_raison_sociale: 'COMMUNE DE METZ',
      sigle: null,
      nature_juridique: '7210',
      etat_administratif: 'A',
      siege: {
        siret: SIRET_MAIRIE,
        adresse: "1 PLACE D'ARMES 57000 METZ",
        code_postal: '57000',
        commune: '57463',
        libelle_commune: 'METZ',
        numero_voie: '1',
        indice_repetition: null,
        type_voie: 'PL',
        libelle_voie: "D'ARMES",
        complement_adresse: null,
        est_siege: true,
        etat_administratif: 'A',
      },
      matching_etablissements: [
        {
          siret: SIRET_ANNEXE,
          adresse: 'MAISON DES ASSOCIATIONS 12 B RUE DU TEST 57050 METZ',
          code_postal: '57050',
          commune: '57463',
          libelle_commune: 'METZ',
          numero_voie: '12',
          indice_repetition: 'B',
          type_voie: 'RUE',
          libelle_voie: 'DU TEST',
          complement_adresse: 'MAISON DES ASSOCIATIONS',
          est_siege: false,
          etat_administratif: 'F',
        },
      ],
    },
  ],
  total_results: 1,
  page: 1,
  per_page: 1,
  total_pages: 1,
};

describe('lireReponseAnnuaire', () => {
  it('reads the siège when it is the SIRET asked', () => {
    expect(lireReponseAnnuaire(METZ, SIRET_MAIRIE)).toEqual<Entreprise>({
      siret: SIRET_MAIRIE,
      nom: 'COMMUNE DE METZ',
      adresse: "1 PLACE D'ARMES",
      codePostal: '57000',
      communeInsee: '57463',
      commune: 'METZ',
      natureJuridique: '7210',
      formeJuridique: 'Commune et commune nouvelle',
      typeSuggere: 'commune',
      fermee: false,
    });
  });

  it('prefers the matching établissement, and says when it is closed', () => {
    const e = lireReponseAnnuaire(METZ, SIRET_ANNEXE);
    expect(e).toMatchObject({ siret: SIRET_ANNEXE, adresse: '12 BIS RUE DU TEST', codePostal: '57050', fermee: true });
  });

  it('accepts a SIRET written with spaces', () => {
    expect(lireReponseAnnuaire(METZ, '215 704 635 00015')?.siret).toBe(SIRET_MAIRIE);
  });

  it('returns null when no établissement has this SIRET, or when there is no result', () => {
    expect(lireReponseAnnuaire(METZ, '21570463500023')).toBeNull();
    expect(lireReponseAnnuaire({ results: [] }, SIRET_MAIRIE)).toBeNull();
  });

  it('cuts the street out of the full address when the detailed fields are missing', () => {
    const json = {
      results: [
        {
          nom_complet: 'association test',
          nature_juridique: '9220',
          matching_etablissements: [
            {
              siret: SIRET_MAIRIE,
              adresse: 'BATIMENT A 3 RUE DES LILAS 31700 CORNEBARRIEU',
              complement_adresse: 'BATIMENT A',
              code_postal: '31700',
              libelle_commune: 'CORNEBARRIEU',
              commune: '31150',
            },
          ],
        },
      ],
    };
    expect(lireReponseAnnuaire(json, SIRET_MAIRIE)).toMatchObject({
      nom: 'association test',
      adresse: '3 RUE DES LILAS',
      formeJuridique: 'Association déclarée',
      typeSuggere: 'association',
      fermee: false,
    });
  });

  it('gives the code as the legal form when it has no label here', () => {
    const json = { results: [{ ...METZ.results[0], nature_juridique: '6540' }] };
    expect(lireReponseAnnuaire(json, SIRET_MAIRIE)).toMatchObject({ natureJuridique: '6540', formeJuridique: '6540', typeSuggere: null });
  });

  it('throws AnnuaireIndisponible on an unreadable shape', () => {
    for (const bad of [null, 'x', 42, [], {}, { results: 'x' }, { results: [null] }]) {
      expect(() => lireReponseAnnuaire(bad, SIRET_MAIRIE)).toThrow(AnnuaireIndisponible);
    }
  });
});

describe('typeDepuisNatureJuridique', () => {
  it.each([
    ['7210', 'commune'],
    ['7220', 'departement'],
    ['7230', 'region'],
    ['7225', 'collectivite_statut_particulier'],
    ['7229', 'collectivite_statut_particulier'],
    ['7343', 'epci'],
    ['7344', 'epci'],
    ['7345', 'epci'],
    ['7346', 'epci'],
    ['7348', 'epci'],
    ['7353', 'epci'],
    ['7354', 'epci'],
    ['7410', 'gip'],
    ['9210', 'association'],
    ['9220', 'association'],
    ['9230', 'association'],
    ['9260', 'association'],
    ['9300', 'fondation'],
    ['5458', 'entreprise_ess'],
    ['5460', 'entreprise_ess'],
    ['5558', 'entreprise_ess'],
    ['5560', 'entreprise_ess'],
    ['5658', 'entreprise_ess'],
    ['6317', 'entreprise_ess'],
  ] as const)('%s → %s', (code, type) => {
    expect(typeDepuisNatureJuridique(code)).toBe(type);
  });

  it.each(['5499', '5710', '5599', '1000', '6540', '7341', '7361', '7490', '9900', '', 'abcd', '72'])('%s → null', (code) => {
    expect(typeDepuisNatureJuridique(code)).toBeNull();
  });

  it('labels the codes it maps, in French', () => {
    expect(libelleFormeJuridique('7346')).toBe('Communauté de communes');
    expect(libelleFormeJuridique('7410')).toBe('Groupement d’intérêt public (GIP)');
    expect(libelleFormeJuridique('0000')).toBe('0000');
  });
});

describe('the stand-ins', () => {
  it('finds an entry by SIRET in memory', async () => {
    const e = lireReponseAnnuaire(METZ, SIRET_MAIRIE) as Entreprise;
    const annuaire = new AnnuaireEnMemoire([e]);
    expect(await annuaire.parSiret(SIRET_MAIRIE)).toEqual(e);
    expect(await annuaire.parSiret(SIRET_ANNEXE)).toBeNull();
  });

  it('refuses when the directory is off', async () => {
    await expect(SANS_ANNUAIRE.parSiret(SIRET_MAIRIE)).rejects.toThrow(new AnnuaireIndisponible('Annuaire des entreprises désactivé.'));
  });
});

// A local stand-in of the API; the q parameter chooses the behaviour.
const SIRET_INCONNU = '11111111111111';
const SIRET_404 = '40404040404040';
const SIRET_500 = '50050050050050';
const SIRET_MUET = '99999999999999';
const SIRET_ILLISIBLE = '12121212121212';

let server: Server;
let baseUrl = '';
const requetes: { url: URL; headers: IncomingHttpHeaders }[] = [];
const muets: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requetes.push({ url, headers: req.headers });
    if (url.pathname !== '/search') return res.writeHead(404).end();
    const q = url.searchParams.get('q');
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    switch (q) {
      case SIRET_MAIRIE:
        return json(METZ);
      case SIRET_INCONNU:
        return json({ results: [], total_results: 0, page: 1, per_page: 1, total_pages: 0 });
      case SIRET_404:
        return res.writeHead(404, { 'content-type': 'application/json' }).end('{"erreur":"introuvable"}');
      case SIRET_500:
        return res.writeHead(500).end('Internal Server Error');
      case SIRET_ILLISIBLE:
        return res.writeHead(200, { 'content-type': 'application/json' }).end('<html>maintenance</html>');
      case SIRET_MUET:
        // never answers; the socket is closed in afterAll
        muets.push(res);
        return;
      default:
        return res.writeHead(400).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const res of muets) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('the Recherche d’entreprises client', () => {
  it('asks for the SIRET and reads the answer', async () => {
    const before = requetes.length;
    const e = await new AnnuaireRechercheEntreprises(baseUrl).parSiret(SIRET_MAIRIE);
    expect(e).toMatchObject({ siret: SIRET_MAIRIE, nom: 'COMMUNE DE METZ', adresse: "1 PLACE D'ARMES", communeInsee: '57463', typeSuggere: 'commune' });
    const sent = requetes.slice(before);
    expect(sent).toHaveLength(1);
    const [{ url, headers }] = sent as [(typeof sent)[number]];
    expect(url.pathname).toBe('/search');
    expect(url.searchParams.get('q')).toBe(SIRET_MAIRIE);
    expect(url.searchParams.get('page')).toBe('1');
    expect(url.searchParams.get('per_page')).toBe('1');
    expect(headers.accept).toBe('application/json');
  });

  it('returns null on an empty results list or a 404', async () => {
    const annuaire = new AnnuaireRechercheEntreprises(baseUrl);
    expect(await annuaire.parSiret(SIRET_INCONNU)).toBeNull();
    expect(await annuaire.parSiret(SIRET_404)).toBeNull();
  });

  it('does not query the API with something that is not a SIRET', async () => {
    const before = requetes.length;
    expect(await new AnnuaireRechercheEntreprises(baseUrl).parSiret('mairie de metz')).toBeNull();
    expect(requetes.length).toBe(before);
  });

  it('throws AnnuaireIndisponible on a server error', async () => {
    await expect(new AnnuaireRechercheEntreprises(baseUrl).parSiret(SIRET_500)).rejects.toThrow(new AnnuaireIndisponible('L’annuaire des entreprises a répondu 500.'));
  });

  it('throws AnnuaireIndisponible on unreadable JSON', async () => {
    await expect(new AnnuaireRechercheEntreprises(baseUrl).parSiret(SIRET_ILLISIBLE)).rejects.toThrow(AnnuaireIndisponible);
  });

  it('gives up within the timeout when the server never answers', async () => {
    const t0 = performance.now();
    const err = await new AnnuaireRechercheEntreprises(baseUrl, 200).parSiret(SIRET_MUET).catch((e: unknown) => e);
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(AnnuaireIndisponible);
    expect((err as Error).message).toMatch(/délai dépassé/);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    // generous bound for a loaded machine; the point is that it does not hang
    expect(elapsed).toBeLessThan(3_000);
  });

  it('throws AnnuaireIndisponible when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(new AnnuaireRechercheEntreprises(`http://127.0.0.1:${port}`).parSiret(SIRET_MAIRIE)).rejects.toThrow(AnnuaireIndisponible);
  });
});
