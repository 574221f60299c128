import { describe, expect, it } from 'vitest';
import { actionsAnct, actionsBanque, actionsConseiller, actionsCoordinateur, actionsPrefecture, actionsStructure } from './actions.js';
import type { ActiviteCounts } from '../activites/activites.js';

const counts = (over: Partial<ActiviteCounts> = {}): ActiviteCounts => ({
  activites: 10, accompagnements: 12, individuels: 8, collectifs: 1, ponctuels: 1,
  activitesDuMois: 4, accompagnementsDuMois: 5, activitesDeLaSemaine: 2, accompagnementsDeLaSemaine: 2, ...over,
});

describe('next actions on the dashboards', () => {
  it('a conseiller records first, is told when nothing was recorded this week, and is offered to follow someone', () => {
    expect(actionsConseiller(counts(), 3)).toEqual([{ texte: 'Enregistrer une activité', href: '/activites/nouvelle' }]);
    const idle = actionsConseiller(counts({ activitesDeLaSemaine: 0 }), 0);
    expect(idle[0]).toEqual({ texte: 'Enregistrer une activité', href: '/activites/nouvelle', detail: "rien d'enregistré depuis lundi" });
    expect(idle[1]!.href).toBe('/beneficiaires/nouveau');
    expect(actionsCoordinateur(counts(), 1).map((a) => a.href)).toEqual(['/activites/nouvelle', '/activites/structure']);
  });

  it('a structure signs, examines new candidates, or recruits on its free posts', () => {
    const a = actionsStructure({ conventionASigner: { id: 'c1', numero: 12 }, recrutement: { postes: 3, occupes: 1, nouvelles: 2 }, conseillers: 1 });
    expect(a.map((x) => x.texte)).toEqual(['Signer la convention n° 12', 'Examiner 2 nouveaux candidats', 'Voir les activités de vos conseillers']);
    const free = actionsStructure({ recrutement: { postes: 3, occupes: 2, nouvelles: 0 }, conseillers: 0 });
    expect(free).toEqual([{ texte: 'Recruter : 1 poste à pourvoir', href: '/recrutement' }]);
    expect(actionsStructure({ recrutement: { postes: 2, occupes: 2, nouvelles: 0 }, conseillers: 0 })).toEqual([]);
  });

  it('the préfecture gives its opinions, ANCT re-examines and prepares committees, the Banque validates and looks at alerts', () => {
    expect(actionsPrefecture({ attenteAvis: 1, examenComplementaire: 0 })).toEqual([{ texte: 'Donner votre avis sur 1 candidature', href: '/programme/dossiers?avis=non' }]);
    expect(actionsPrefecture({ attenteAvis: 0, examenComplementaire: 4 })).toEqual([]);
    expect(actionsAnct({ attenteAvis: 0, examenComplementaire: 2 }).map((a) => a.texte)).toEqual(['Réexaminer 2 dossiers en examen complémentaire', 'Préparer un comité de sélection']);
    expect(actionsBanque({ aValider: 3, alertes: 1 }).map((a) => a.texte)).toEqual(['Valider 3 conventions signées', 'Regarder 1 convention en alerte']);
    expect(actionsBanque({ aValider: 0, alertes: 0 })).toEqual([]);
  });
});
