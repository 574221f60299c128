/** The agreements on the dashboards: Banque des Territoires' work and figures, a structure's agreement. */
import { Stat } from '../../platform/views/components.js';
import { prochaineEtape, type EtatDossier, type StatutConvention } from '../regles.js';
import type { Convention } from '../conventions.js';
import type { Totaux } from '../lecture.js';
import { BadgeEtat, formatEuros, libelleStatut } from './format.js';

export function BanqueConventionsBlock({ f }: { f: Totaux & { aValider: number; aSigner: number } }) {
  return (
    <section class="fr-mb-4w" aria-labelledby="titre-conventions">
      <h2 id="titre-conventions">Conventions</h2>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-2w">
        <Stat label="Conventions signées à valider" value={f.aValider} href="/conventions?par=structure&etat=en_instruction" />
        <Stat label="En attente de signature" value={f.aSigner} href="/conventions?par=structure&etat=en_construction" />
        <Stat label="Conventions en alerte" value={f.alertes} href="/conventions?par=structure&alerte=oui" />
      </div>
      <p>
        Conventionné : {formatEuros(f.montantCentimes)} ; versé : {formatEuros(f.verseCentimes)} ; justifié : {formatEuros(f.justifieCentimes)} ; à reverser : {formatEuros(f.aReverserCentimes)}.{' '}
        <a href="/conventions">Tableau des conventions</a>
      </p>
    </section>
  );
}

export function StructureConventionBlock({ c }: { c: Convention | undefined }) {
  return (
    <section class="fr-mb-4w" aria-labelledby="titre-convention">
      <h2 id="titre-convention">Ma convention</h2>
      {c ? (
        <>
          <p>
            Convention n° {c.numero} : {libelleStatut(c.statut)} <BadgeEtat etat={c.etat} />
          </p>
          <p>
            {prochaineEtape(c.etat as EtatDossier, c.statut as StatutConvention)} Conventionné : {formatEuros(c.montantCentimes)}, versé : {formatEuros(c.verseCentimes)}.
          </p>
          <p>
            <a href={`/conventions/${c.id}`}>Voir ma convention, mes postes et mes versements</a>
          </p>
        </>
      ) : (
        <p>Votre convention de financement s'ouvrira dès que le comité de sélection vous aura accordé des postes.</p>
      )}
    </section>
  );
}
