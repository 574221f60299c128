/** Recruitment's part of the dashboards: the candidate's application, a structure's posts to fill. */
import { Alert, Stat } from '../../platform/views/components.js';
import { STATUTS_CANDIDAT } from '../regles.js';
import type { CandidatFigures } from '../lecture.js';

export function CandidatBlock({ f }: { f: CandidatFigures }) {
  if (!f.statut) {
    return (
      <Alert type="info" title="Déposez votre candidature">
        <p>
          Vous n'avez pas encore de candidature. <a href="/candidature/conseiller">Devenir conseiller numérique</a> : quelques minutes suffisent.
        </p>
      </Alert>
    );
  }
  return (
    <>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-2w">
        <Stat label="Structures qui voient votre profil" value={f.structures} href="/candidature/profil" />
        <Stat label="Présélections" value={f.preselections} href="/candidature/profil" />
      </div>
      <p>
        Votre candidature est « {STATUTS_CANDIDAT[f.statut as keyof typeof STATUTS_CANDIDAT]?.toLowerCase() ?? f.statut} ». <a href="/candidature/profil">Voir ou modifier mon profil</a>
      </p>
    </>
  );
}

export function StructureRecrutementBlock({ f }: { f: { postes: number; occupes: number; nouvelles: number } | null }) {
  if (!f) return null;
  const libres = Math.max(0, f.postes - f.occupes);
  return (
    <section class="fr-mb-4w" aria-labelledby="titre-recrutement">
      <h2 id="titre-recrutement">Recrutement</h2>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-2w">
        <Stat label="Postes à pourvoir" value={libres} href="/recrutement" />
        <Stat label="Nouveaux candidats" value={f.nouvelles} href="/recrutement?statut=nouvelle" />
      </div>
      <p>
        {libres > 0 ? (
          <>
            Vous pouvez recruter : <a href="/recrutement">voir les candidats de votre secteur</a>, du plus proche au plus éloigné.
          </>
        ) : (
          'Tous vos postes sont pourvus ou en cours de recrutement.'
        )}
      </p>
    </section>
  );
}
