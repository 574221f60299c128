import { Layout, type PageContext } from '../../platform/views/layout.js';

export function HomePage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Accueil" wide publicPage>
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-8">
          <h1>Conseiller numérique France Services</h1>
          <p class="fr-text--lead">
            Partout en France, des conseillers numériques formés et financés par l'État aident chacun à devenir autonome avec le numérique :
            utiliser un smartphone, faire une démarche en ligne, envoyer un courriel, se protéger sur internet.
          </p>
          <p>
            Cette plateforme réunit en un seul outil ce qui fait fonctionner le dispositif : les candidatures des structures
            d'accueil, l'avis des préfectures et les décisions de l'ANCT, le recrutement, les conventions avec la Banque des Territoires
            et les comptes rendus d'activité des conseillers.
          </p>
        </div>
      </div>
      <div class="fr-grid-row fr-grid-row--gutters fr-mt-4w">
        <div class="fr-col-12 fr-col-md-4">
          <div class="fr-card">
            <div class="fr-card__body">
              <div class="fr-card__content">
                <h2 class="fr-card__title">Vous cherchez de l'aide ?</h2>
                <p class="fr-card__desc">
                  Un conseiller numérique peut vous accompagner gratuitement, près de chez vous : en mairie, dans une médiathèque, un
                  centre social ou une maison France Services. Demandez à votre mairie, ou appelez le 39 39 (Allô Service Public).
                </p>
              </div>
              <div class="fr-card__footer">
                <a class="fr-btn" href="/trouver">
                  Trouver un lieu près de chez moi
                </a>
              </div>
            </div>
          </div>
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <div class="fr-card">
            <div class="fr-card__body">
              <div class="fr-card__content">
                <h2 class="fr-card__title">Vous êtes une structure, une préfecture, un conseiller ?</h2>
                <p class="fr-card__desc">
                  Connectez-vous pour retrouver votre tableau de bord et les actions qui vous attendent. Une collectivité ou une association qui
                  souhaite accueillir un conseiller numérique dépose sa candidature sans créer de compte au préalable.
                </p>
              </div>
              <div class="fr-card__footer">
                <ul class="fr-btns-group fr-btns-group--inline-lg">
                  <li>
                    <a class="fr-btn" href={ctx.user ? '/tableau-de-bord' : '/connexion'}>
                      {ctx.user ? 'Mon tableau de bord' : 'Se connecter'}
                    </a>
                  </li>
                  <li>
                    <a class="fr-btn fr-btn--secondary" href="/candidature/structure">
                      Devenir structure d'accueil
                    </a>
                  </li>
                </ul>
              </div>
            </div>
          </div>
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <div class="fr-card">
            <div class="fr-card__body">
              <div class="fr-card__content">
                <h2 class="fr-card__title">Le dispositif en chiffres</h2>
                <ul class="fr-card__desc">
                  <li>environ 4 000 conseillers numériques financés par l'État ;</li>
                  <li>plus de 3 millions d'accompagnements réalisés dès 2023 ;</li>
                  <li>13 millions de personnes éloignées du numérique en France.</li>
                </ul>
              </div>
            </div>
          </div>
        </div>
      </div>
      <h2 class="fr-mt-6w">Ce que chacun fait ici aujourd'hui</h2>
      <div class="fr-grid-row fr-grid-row--gutters">
        {PARCOURS.map((r) => (
          <div class="fr-col-12 fr-col-md-6 fr-col-lg-4">
            <h3 class="fr-h6 fr-mb-1w">{r.qui}</h3>
            <ul class="fr-mb-3w">
              {r.liens.map(([href, texte]) => (
                <li>
                  <a href={href}>{texte}</a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      <p>
        <a href="/statistiques">Les statistiques publiques du dispositif</a>
        {'\u00a0: '}accompagnements mois par mois, conseillers actifs, thématiques, chaque région et chaque département (données ouvertes).
      </p>
    </Layout>
  );
}

/** Each role's path through what exists (pages behind a sign-in lead to it, then back). */
const PARCOURS: { qui: string; liens: [href: string, texte: string][] }[] = [
  { qui: 'Vous cherchez de l’aide', liens: [['/trouver', 'Trouver un lieu et ses horaires']] },
  {
    qui: 'Structure d’accueil',
    liens: [
      ['/candidature/structure', 'Demander un poste de conseiller'],
      ['/recrutement', 'Recruter : candidats proches, mises en relation'],
      ['/ma-convention', 'Signer la convention, suivre les versements'],
      ['/lieux', 'Gérer ses lieux d’accueil'],
      ['/formation/suivi', 'Suivre la formation de ses conseillers'],
      ['/statistiques/perimetre', 'Statistiques de ses conseillers'],
    ],
  },
  {
    qui: 'Candidat conseiller',
    liens: [
      ['/candidature/conseiller', 'Déposer sa candidature'],
      ['/candidature/profil', 'Mettre à jour son profil'],
    ],
  },
  {
    qui: 'Conseiller, coordinateur',
    liens: [
      ['/activites/nouvelle', 'Enregistrer un accompagnement (même hors connexion)'],
      ['/beneficiaires', 'Suivre ses bénéficiaires'],
      ['/coordination', 'Suivre son équipe (coordinateurs)'],
      ['/formation/moi', 'Suivre sa formation, choisir son module de l’année'],
      ['/statistiques/perimetre', 'Voir ses statistiques (et celles de son équipe)'],
    ],
  },
  {
    qui: 'Organisme de formation',
    liens: [['/tableau-de-bord/organisme_formation', 'Positionnements, sessions et présences']],
  },
  {
    qui: 'Préfecture',
    liens: [
      ['/programme/dossiers', 'Donner un avis sur les candidatures du département'],
      ['/statistiques/perimetre', 'Statistiques du département, par structure'],
      ['/couverture', 'Communes éloignées de toute aide (couverture)'],
    ],
  },
  {
    qui: 'ANCT, Banque des Territoires',
    liens: [
      ['/programme/coselec', 'Comités de sélection et décisions'],
      ['/conventions', 'Conventions, versements, postes à rendre'],
      ['/formation/suivi', 'Suivi de la formation, retards, coûts'],
      ['/statistiques/perimetre', 'Statistiques nationales, par région, département, structure'],
      ['/couverture', 'Couverture : communes éloignées de toute aide (ANCT)'],
    ],
  },
];

export function AccessibilityPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Déclaration d'accessibilité" publicPage>
      <h1>Déclaration d'accessibilité</h1>
      <p>
        L'équipe de la plateforme Conseiller numérique s'engage à rendre ses services accessibles, conformément à l'article 47 de la loi
        n° 2005-102 du 11 février 2005. Cette déclaration s'applique à la présente plateforme.
      </p>
      <h2>État de conformité</h2>
      <p>
        La plateforme est <strong>partiellement conforme</strong> avec le référentiel général d'amélioration de l'accessibilité (RGAA),
        version 4.1 : aucun audit complet du RGAA n'a encore été réalisé par un organisme indépendant, nous ne pouvons donc pas déclarer
        une conformité totale.
      </p>
      <h2>Ce que nous avons mesuré</h2>
      <ul>
        <li>
          Chaque page listée ci-dessous est contrôlée automatiquement, à chaque modification du code, avec l'outil axe-core (règles WCAG
          2.0, 2.1 niveaux A et AA) dans le navigateur Chromium : <strong>0 violation détectée</strong>. Pages contrôlées : accueil,
          connexion, mot de passe oublié, tableau de bord de chaque rôle, mon compte, structures, utilisateurs et fiche d'un
          utilisateur, invitation, journal d'audit, courriels, recherche d'un lieu et ses résultats, fiche d'un lieu, gestion et
          formulaire des lieux, import de lieux, documentation de l'API, saisie et liste des activités, bénéficiaires, chiffres de
          la structure, pages d'erreur, présente déclaration, mentions légales, données personnelles.
        </li>
        <li>Toutes les pages fonctionnent sans JavaScript, au clavier ; les formulaires signalent chaque erreur à côté du champ concerné.</li>
        <li>
          Les contrôles automatiques ne détectent qu'une partie des défauts (de l'ordre d'un tiers des critères du RGAA) : la
          compatibilité avec les lecteurs d'écran et la pertinence des textes restent à vérifier par un audit humain.
        </li>
      </ul>
      <h2>Technologies utilisées</h2>
      <p>HTML5, CSS (Système de design de l'État, DSFR), JavaScript en amélioration progressive uniquement.</p>
      <h2>Retour d'information et contact</h2>
      <p>
        Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez l'équipe de la plateforme pour être orienté vers une
        alternative accessible ou obtenir le contenu sous une autre forme.
      </p>
      <h2>Voies de recours</h2>
      <p>
        Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou une fonctionnalité, que vous nous l'avez
        signalé et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des droits
        (https://formulaire.defenseurdesdroits.fr), contacter le délégué du Défenseur des droits dans votre région, ou envoyer un courrier
        gratuit : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.
      </p>
    </Layout>
  );
}

export function LegalPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Mentions légales" publicPage>
      <h1>Mentions légales</h1>
      <h2>Éditeur</h2>
      <p>
        Agence nationale de la cohésion des territoires (ANCT), 20 avenue de Ségur, 75007 Paris, pour le dispositif Conseiller numérique
        France Services, opéré avec la Banque des Territoires.
      </p>
      <h2>Directeur de la publication</h2>
      <p>Le directeur général de l'ANCT.</p>
      <h2>Hébergement</h2>
      <p>
        L'hébergeur est désigné par l'opérateur de chaque instance de la plateforme. Le code source est libre : toute administration peut
        l'installer sur ses propres serveurs.
      </p>
      <h2>Licence des contenus</h2>
      <p>Sauf mention contraire, les contenus sont publiés sous licence Etalab 2.0 (Licence Ouverte).</p>
      <h2>Sécurité</h2>
      <p>
        Les mots de passe sont conservés sous forme d'empreinte (argon2id) ; les sessions expirent après 12 heures d'inactivité ; les
        connexions répétées en échec sont ralenties.
      </p>
    </Layout>
  );
}

export function PrivacyPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Données personnelles" publicPage>
      <h1>Données personnelles</h1>
      <p>
        Responsable de traitement : l'Agence nationale de la cohésion des territoires (ANCT). Finalité : gérer le dispositif Conseiller
        numérique France Services (mission d'intérêt public, article 6.1.e du RGPD).
      </p>
      <h2>Ce que nous conservons, et combien de temps</h2>
      <div class="fr-table cn-table-scroll">
        <table>
          <caption>Données conservées</caption>
          <thead>
            <tr>
              <th scope="col">Données</th>
              <th scope="col">Pourquoi</th>
              <th scope="col">Durée</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>Compte : nom, prénom, adresse électronique, rôles, empreinte du mot de passe</td>
              <td>Vous identifier et limiter chacun à ce que son rôle permet</td>
              <td>Tant que le compte est actif, puis 1 an après sa désactivation</td>
            </tr>
            <tr>
              <td>Session : identifiant chiffré, adresse IP, navigateur</td>
              <td>Vous garder connecté, détecter les abus</td>
              <td>12 heures après la dernière activité, 7 jours au plus</td>
            </tr>
            <tr>
              <td>Tentatives de connexion : adresse saisie, adresse IP, date, résultat</td>
              <td>Protéger les comptes contre les essais de mots de passe</td>
              <td>24 heures</td>
            </tr>
            <tr>
              <td>Liens de mot de passe : empreinte du lien</td>
              <td>Réinitialiser un mot de passe, accepter une invitation</td>
              <td>1 heure (réinitialisation), 7 jours (invitation) ; inutilisables ensuite</td>
            </tr>
            <tr>
              <td>Jetons d'API : nom, empreinte, dates de création et de dernière utilisation</td>
              <td>Permettre à vos logiciels d'utiliser l'API</td>
              <td>Jusqu'à leur révocation</td>
            </tr>
            <tr>
              <td>Journal d'audit : auteur, date, action, objet, résumé avant / après</td>
              <td>Tracer les décisions et les modifications</td>
              <td>5 ans</td>
            </tr>
            <tr>
              <td>Structures : SIRET, nom, adresse, contact</td>
              <td>Instruire les candidatures et conventions</td>
              <td>Durée du dispositif, puis archivage</td>
            </tr>
            <tr>
              <td>Candidatures des structures : contact (prénom, nom, fonction, courriel, téléphone), motivation, avis du préfet, décisions et historique du dossier avec leurs auteurs</td>
              <td>Instruire la candidature, la présenter en comité de sélection, suivre les postes accordés</td>
              <td>Durée du dispositif, puis archivage</td>
            </tr>
            <tr>
              <td>Candidatures de conseillers : identité, coordonnées, commune, situation, disponibilité, distance, motivation, palier Pix</td>
              <td>Vous mettre en relation avec les structures qui recrutent près de chez vous ; vos coordonnées ne leur sont montrées qu'une fois que l'une d'elles vous présélectionne</td>
              <td>Durée du dispositif, puis archivage (aucune purge automatique des candidatures retirées pour l'instant)</td>
            </tr>
            <tr>
              <td>CV des candidats (PDF)</td>
              <td>Permettre aux structures qui vous présélectionnent de le lire</td>
              <td>6 mois après le dépôt, ou jusqu'à sa suppression depuis « Mon profil »</td>
            </tr>
            <tr>
              <td>Contrats des conseillers : type, dates, salaire brut, ruptures et motifs</td>
              <td>Vérifier les postes accordés, ouvrir les droits du conseiller, suivre les postes occupés et vacants</td>
              <td>Durée du dispositif, puis archivage</td>
            </tr>
            <tr>
              <td>Compteurs de candidatures et de recherches dans l'annuaire des entreprises : adresse IP et nombre de demandes</td>
              <td>Limiter les envois automatisés du formulaire public</td>
              <td>2 heures au plus</td>
            </tr>
            <tr>
              <td>Notifications : titre, texte, lien, date de lecture ; vos choix de courriels</td>
              <td>Vous tenir informé des décisions et rappels qui vous concernent</td>
              <td>Tant que le compte est actif</td>
            </tr>
            <tr>
              <td>Documents déposés par une structure (PDF) : fichier, nom, objet, auteur du dépôt</td>
              <td>Instruire le dossier de la structure</td>
              <td>Jusqu'à leur suppression, ou leur date de conservation quand elle est fixée (suppression automatique)</td>
            </tr>
            <tr>
              <td>Activités, dans l'export d'une structure</td>
              <td>
                Suivre l'activité de ses conseillers sans données personnelles : ni bénéficiaire, ni notes, ni nom de la démarche (qui
                peut décrire la situation d'une personne) ; le titre d'un atelier, public, reste
              </td>
              <td>Celle des activités</td>
            </tr>
          </tbody>
        </table>
      </div>
      <h2>Cookies</h2>
      <p>
        Des cookies strictement nécessaires, sans mesure d'audience ni publicité : l'un garde votre session, un autre protège les
        formulaires contre la falsification de requêtes, un troisième porte l'identifiant d'un message à afficher une fois (son texte
        reste sur le serveur), et un dernier, sur la page de connexion, reconnaît un appareil sur lequel vous vous êtes déjà connecté
        (pour ne pas le bloquer quand quelqu'un d'autre essaie votre mot de passe). Aucun consentement n'est donc demandé.
      </p>
      <h2>Vos droits</h2>
      <p>
        Vous pouvez accéder à vos données, les faire rectifier ou en demander l'effacement ou la limitation, auprès de l'ANCT ou de son
        délégué à la protection des données. Vous pouvez aussi adresser une réclamation à la CNIL (www.cnil.fr).
      </p>
    </Layout>
  );
}
