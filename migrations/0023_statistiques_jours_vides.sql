-- statistiques_appliquer() as in 0019, except that a per-conseiller row brought back to zero (its
-- activities deleted, edited or merged away) is deleted, as a presence at zero already was. Readings
-- counting conseillers, structures or days from statistiques_jours (active conseillers, filter lists)
-- then need no special case. The rows already at zero go now.
CREATE OR REPLACE FUNCTION statistiques_appliquer(anciennes activites[], nouvelles activites[]) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  vides uuid[];
  jours_vides date[];
  conseillers_vides uuid[];
BEGIN
  WITH changes AS (
    SELECT -1 AS signe, a AS r FROM unnest(anciennes) a WHERE a.deleted_at IS NULL
    UNION ALL
    SELECT 1, a FROM unnest(nouvelles) a WHERE a.deleted_at IS NULL
  ),
  lignes AS (
    SELECT (c.r).date AS jour, (c.r).conseiller_id AS conseiller_id, coalesce((c.r).structure_id, '00000000-0000-0000-0000-000000000000'::uuid) AS structure_id,
           coalesce((c.r).departement, '') AS departement, (c.r).type AS type, l.dimension, l.valeur,
           c.signe * l.activites AS activites, c.signe * l.accompagnements AS accompagnements, c.signe * l.participants_ateliers AS participants_ateliers,
           c.signe * l.personnes AS personnes, c.signe * l.nouveaux AS nouveaux, c.signe * l.minutes AS minutes
    FROM changes c CROSS JOIN LATERAL statistiques_lignes(c.r) l
  ),
  jours AS (
    INSERT INTO statistiques_jours AS s (jour, conseiller_id, structure_id, departement, type, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
    SELECT jour, conseiller_id, structure_id, departement, type, dimension, valeur, sum(activites), sum(accompagnements), sum(participants_ateliers), sum(personnes), sum(nouveaux), sum(minutes)
    FROM lignes GROUP BY jour, conseiller_id, structure_id, departement, type, dimension, valeur
    HAVING sum(activites) <> 0 OR sum(accompagnements) <> 0 OR sum(personnes) <> 0 OR sum(nouveaux) <> 0 OR sum(minutes) <> 0
    ORDER BY jour, conseiller_id, structure_id, departement, type, dimension, valeur
    ON CONFLICT (jour, conseiller_id, structure_id, departement, type, dimension, valeur) DO UPDATE SET
      activites = s.activites + excluded.activites, accompagnements = s.accompagnements + excluded.accompagnements,
      participants_ateliers = s.participants_ateliers + excluded.participants_ateliers, personnes = s.personnes + excluded.personnes,
      nouveaux = s.nouveaux + excluded.nouveaux, minutes = s.minutes + excluded.minutes
    RETURNING s.jour, s.conseiller_id, (s.activites = 0 AND s.accompagnements = 0 AND s.participants_ateliers = 0 AND s.personnes = 0 AND s.nouveaux = 0 AND s.minutes = 0) AS vide
  ),
  territoires AS (
    INSERT INTO statistiques_territoires_journal (jour, departement, type, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
    SELECT l.jour, l.departement, l.type, l.dimension, l.valeur, sum(l.activites), sum(l.accompagnements), sum(l.participants_ateliers), sum(l.personnes), sum(l.nouveaux), sum(l.minutes)
    FROM lignes l
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(l.activites) <> 0 OR sum(l.accompagnements) <> 0 OR sum(l.personnes) <> 0 OR sum(l.nouveaux) <> 0 OR sum(l.minutes) <> 0
  ),
  presences AS (
    INSERT INTO statistiques_presences AS s (beneficiaire_id, jour, conseiller_id, structure_id, departement, type, genre, tranche_age, statut, n)
    SELECT (c.r).beneficiaire_id, (c.r).date, (c.r).conseiller_id, coalesce((c.r).structure_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce((c.r).departement, ''), (c.r).type,
           statistiques_cle((c.r).participants->'genres'), statistiques_cle((c.r).participants->'tranches_age'), statistiques_cle((c.r).participants->'statuts'), sum(c.signe)
    FROM changes c WHERE (c.r).beneficiaire_id IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(c.signe) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ON CONFLICT (beneficiaire_id, jour, conseiller_id, structure_id, departement, type, genre, tranche_age, statut) DO UPDATE SET n = s.n + excluded.n
    RETURNING s.beneficiaire_id, s.n
  )
  SELECT (SELECT array_agg(DISTINCT beneficiaire_id) FILTER (WHERE n <= 0) FROM presences),
         (SELECT array_agg(DISTINCT jour) FILTER (WHERE vide) FROM jours),
         (SELECT array_agg(DISTINCT conseiller_id) FILTER (WHERE vide) FROM jours)
  INTO vides, jours_vides, conseillers_vides;
  -- A per-conseiller row whose activities were all deleted or moved away goes too: no reading counts a
  -- conseiller, a structure or a day from a row at zero.
  IF jours_vides IS NOT NULL THEN
    DELETE FROM statistiques_jours WHERE conseiller_id = ANY(conseillers_vides) AND jour = ANY(jours_vides)
      AND activites = 0 AND accompagnements = 0 AND participants_ateliers = 0 AND personnes = 0 AND nouveaux = 0 AND minutes = 0;
  END IF;
  -- A beneficiary no longer seen that day (activity deleted, edited or merged away): its row goes.
  IF vides IS NOT NULL THEN
    DELETE FROM statistiques_presences WHERE beneficiaire_id = ANY(vides) AND n <= 0;
  END IF;
END
$fn$;

--> statement-breakpoint
DELETE FROM statistiques_jours
WHERE activites = 0 AND accompagnements = 0 AND participants_ateliers = 0 AND personnes = 0 AND nouveaux = 0 AND minutes = 0;
