-- statistiques_reconstruire() as in 0020, but the aggregate tables' keys and indexes are dropped
-- before the rows go in and built again after (a bulk load's usual way): inserting ~8 million rows for
-- 1 million activities into a table with four indexes, in hash order, was most of the rebuild.
CREATE OR REPLACE FUNCTION statistiques_reconstruire() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  TRUNCATE statistiques_jours, statistiques_territoires, statistiques_territoires_journal, statistiques_presences;
  -- The keys and indexes go first and come back last: built once from the sorted rows rather than
  -- maintained row by row in the order the GROUP BYs give (1M activities: 328 s → 65 s for the first
  -- table). The names are those of the schema (PostgreSQL's 63 characters).
  ALTER TABLE statistiques_jours DROP CONSTRAINT statistiques_jours_jour_conseiller_id_structure_id_departement_;
  DROP INDEX statistiques_jours_conseiller_idx, statistiques_jours_structure_idx, statistiques_jours_departement_idx;
  ALTER TABLE statistiques_territoires DROP CONSTRAINT statistiques_territoires_granularite_departement_type_debut_dim;
  ALTER TABLE statistiques_presences DROP CONSTRAINT statistiques_presences_beneficiaire_id_jour_conseiller_id_struc;
  DROP INDEX statistiques_presences_jour_idx, statistiques_presences_conseiller_idx, statistiques_presences_structure_idx, statistiques_presences_departement_idx;
  INSERT INTO statistiques_jours (jour, conseiller_id, structure_id, departement, type, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
  SELECT (x.r).date, (x.r).conseiller_id, coalesce((x.r).structure_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce((x.r).departement, ''), (x.r).type, l.dimension, l.valeur,
         sum(l.activites), sum(l.accompagnements), sum(l.participants_ateliers), sum(l.personnes), sum(l.nouveaux), sum(l.minutes)
  FROM (SELECT a AS r FROM activites a WHERE a.deleted_at IS NULL OFFSET 0) x CROSS JOIN LATERAL statistiques_lignes(x.r) l
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  HAVING sum(l.activites) <> 0 OR sum(l.accompagnements) <> 0 OR sum(l.personnes) <> 0 OR sum(l.nouveaux) <> 0 OR sum(l.minutes) <> 0;
  -- Days, by département and type.
  INSERT INTO statistiques_territoires (granularite, departement, type, debut, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
  SELECT 'jour', j.departement, j.type, j.jour, j.dimension, j.valeur,
         sum(j.activites), sum(j.accompagnements), sum(j.participants_ateliers), sum(j.personnes), sum(j.nouveaux), sum(j.minutes)
  FROM statistiques_jours j
  GROUP BY 2, 3, 4, 5, 6
  HAVING sum(j.activites) <> 0 OR sum(j.accompagnements) <> 0 OR sum(j.personnes) <> 0 OR sum(j.nouveaux) <> 0 OR sum(j.minutes) <> 0;
  -- Days, by département, all types.
  INSERT INTO statistiques_territoires (granularite, departement, type, debut, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
  SELECT 'jour', t.departement, '', t.debut, t.dimension, t.valeur,
         sum(t.activites), sum(t.accompagnements), sum(t.participants_ateliers), sum(t.personnes), sum(t.nouveaux), sum(t.minutes)
  FROM statistiques_territoires t
  WHERE t.granularite = 'jour' AND t.type <> ''
  GROUP BY 2, 4, 5, 6
  HAVING sum(t.activites) <> 0 OR sum(t.accompagnements) <> 0 OR sum(t.personnes) <> 0 OR sum(t.nouveaux) <> 0 OR sum(t.minutes) <> 0;
  -- Days, France (each type and all types).
  INSERT INTO statistiques_territoires (granularite, departement, type, debut, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
  SELECT 'jour', 'FR', t.type, t.debut, t.dimension, t.valeur,
         sum(t.activites), sum(t.accompagnements), sum(t.participants_ateliers), sum(t.personnes), sum(t.nouveaux), sum(t.minutes)
  FROM statistiques_territoires t
  WHERE t.granularite = 'jour' AND t.departement <> 'FR'
  GROUP BY 3, 4, 5, 6
  HAVING sum(t.activites) <> 0 OR sum(t.accompagnements) <> 0 OR sum(t.personnes) <> 0 OR sum(t.nouveaux) <> 0 OR sum(t.minutes) <> 0;
  -- Months, from the days.
  INSERT INTO statistiques_territoires (granularite, departement, type, debut, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
  SELECT 'mois', t.departement, t.type, date_trunc('month', t.debut)::date, t.dimension, t.valeur,
         sum(t.activites), sum(t.accompagnements), sum(t.participants_ateliers), sum(t.personnes), sum(t.nouveaux), sum(t.minutes)
  FROM statistiques_territoires t
  WHERE t.granularite = 'jour'
  GROUP BY 2, 3, 4, 5, 6
  HAVING sum(t.activites) <> 0 OR sum(t.accompagnements) <> 0 OR sum(t.personnes) <> 0 OR sum(t.nouveaux) <> 0 OR sum(t.minutes) <> 0;
  INSERT INTO statistiques_presences (beneficiaire_id, jour, conseiller_id, structure_id, departement, type, genre, tranche_age, statut, n)
  SELECT a.beneficiaire_id, a.date, a.conseiller_id, coalesce(a.structure_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(a.departement, ''), a.type,
         statistiques_cle(a.participants->'genres'), statistiques_cle(a.participants->'tranches_age'), statistiques_cle(a.participants->'statuts'), count(*)
  FROM activites a
  WHERE a.deleted_at IS NULL AND a.beneficiaire_id IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  ALTER TABLE statistiques_jours ADD CONSTRAINT statistiques_jours_jour_conseiller_id_structure_id_departement_ PRIMARY KEY (jour, conseiller_id, structure_id, departement, type, dimension, valeur);
  CREATE INDEX statistiques_jours_conseiller_idx ON statistiques_jours USING btree (conseiller_id, jour);
  CREATE INDEX statistiques_jours_structure_idx ON statistiques_jours USING btree (structure_id, jour);
  CREATE INDEX statistiques_jours_departement_idx ON statistiques_jours USING btree (departement, jour);
  ALTER TABLE statistiques_territoires ADD CONSTRAINT statistiques_territoires_granularite_departement_type_debut_dim PRIMARY KEY (granularite, departement, type, debut, dimension, valeur);
  ALTER TABLE statistiques_presences ADD CONSTRAINT statistiques_presences_beneficiaire_id_jour_conseiller_id_struc PRIMARY KEY (beneficiaire_id, jour, conseiller_id, structure_id, departement, type, genre, tranche_age, statut);
  CREATE INDEX statistiques_presences_jour_idx ON statistiques_presences USING btree (jour);
  CREATE INDEX statistiques_presences_conseiller_idx ON statistiques_presences USING btree (conseiller_id, jour);
  CREATE INDEX statistiques_presences_structure_idx ON statistiques_presences USING btree (structure_id, jour);
  CREATE INDEX statistiques_presences_departement_idx ON statistiques_presences USING btree (departement, jour);
END
$fn$;
