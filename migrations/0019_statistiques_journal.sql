CREATE TABLE "statistiques_territoires_journal" (
	"jour" date NOT NULL,
	"departement" text NOT NULL,
	"type" text NOT NULL,
	"dimension" text NOT NULL,
	"valeur" text NOT NULL,
	"activites" integer DEFAULT 0 NOT NULL,
	"accompagnements" integer DEFAULT 0 NOT NULL,
	"participants_ateliers" integer DEFAULT 0 NOT NULL,
	"personnes" integer DEFAULT 0 NOT NULL,
	"nouveaux" integer DEFAULT 0 NOT NULL,
	"minutes" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "statistiques_territoires" DROP CONSTRAINT "statistiques_territoires_granularite_debut_departement_dimension_valeur_pk";--> statement-breakpoint
ALTER TABLE "statistiques_territoires" ADD COLUMN "type" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "statistiques_territoires" ADD CONSTRAINT "statistiques_territoires_granularite_departement_type_debut_dimension_valeur_pk" PRIMARY KEY("granularite","departement","type","debut","dimension","valeur");
--> statement-breakpoint
-- The activities' triggers append to the journal instead of upserting the territory rows (hot rows:
-- every conseiller of a département wrote the same ones); the rest of statistiques_appliquer is unchanged.
CREATE OR REPLACE FUNCTION statistiques_appliquer(anciennes activites[], nouvelles activites[]) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  vides uuid[];
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
  SELECT array_agg(DISTINCT beneficiaire_id) FILTER (WHERE n <= 0) INTO vides FROM presences;
  -- A beneficiary no longer seen that day (activity deleted, edited or merged away): its row goes.
  IF vides IS NOT NULL THEN
    DELETE FROM statistiques_presences WHERE beneficiaire_id = ANY(vides) AND n <= 0;
  END IF;
END
$fn$;
--> statement-breakpoint
-- Folds the journal into the territory rows: by day, by month, for the département and nationally
-- ('FR'), for the activity's type and for all types (''). One folder at a time (the others return at once); the journal rows are taken and added in
-- one statement, so a reading of the view sees them either in the journal or folded, never both.
-- Returns the number of journal rows folded.
CREATE FUNCTION statistiques_replier() RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  n integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('statistiques_replier')) THEN
    RETURN 0;
  END IF;
  WITH pris AS (
    DELETE FROM statistiques_territoires_journal RETURNING *
  ),
  ajout AS (
    INSERT INTO statistiques_territoires AS s (granularite, departement, type, debut, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
    SELECT g.granularite, d.departement, t.type, CASE WHEN g.granularite = 'mois' THEN date_trunc('month', p.jour)::date ELSE p.jour END, p.dimension, p.valeur,
           sum(p.activites), sum(p.accompagnements), sum(p.participants_ateliers), sum(p.personnes), sum(p.nouveaux), sum(p.minutes)
    FROM pris p CROSS JOIN (VALUES ('jour'), ('mois')) g(granularite) CROSS JOIN LATERAL (VALUES (p.departement), ('FR')) d(departement)
         CROSS JOIN LATERAL (VALUES (p.type), ('')) t(type)
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(p.activites) <> 0 OR sum(p.accompagnements) <> 0 OR sum(p.personnes) <> 0 OR sum(p.nouveaux) <> 0 OR sum(p.minutes) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (granularite, departement, type, debut, dimension, valeur) DO UPDATE SET
      activites = s.activites + excluded.activites, accompagnements = s.accompagnements + excluded.accompagnements,
      participants_ateliers = s.participants_ateliers + excluded.participants_ateliers, personnes = s.personnes + excluded.personnes,
      nouveaux = s.nouveaux + excluded.nouveaux, minutes = s.minutes + excluded.minutes
  )
  SELECT count(*)::int INTO n FROM pris;
  RETURN n;
END
$fn$;
--> statement-breakpoint
-- What every territorial reading reads: the folded rows and the journal not yet folded, in the same shape.
CREATE VIEW statistiques_territoires_lues AS
  SELECT granularite, departement, type, debut, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes
  FROM statistiques_territoires
  UNION ALL
  SELECT g.granularite, d.departement, t.type, CASE WHEN g.granularite = 'mois' THEN date_trunc('month', j.jour)::date ELSE j.jour END, j.dimension, j.valeur,
         j.activites, j.accompagnements, j.participants_ateliers, j.personnes, j.nouveaux, j.minutes
  FROM statistiques_territoires_journal j CROSS JOIN (VALUES ('jour'), ('mois')) g(granularite) CROSS JOIN LATERAL (VALUES (j.departement), ('FR')) d(departement)
       CROSS JOIN LATERAL (VALUES (j.type), ('')) t(type);
--> statement-breakpoint
-- Rebuilds every aggregate from the records, set-based (operations after an incident; the benchmarks
-- after a bulk load with the triggers off). Takes the aggregates' tables exclusively: writes wait for it.
CREATE FUNCTION statistiques_reconstruire() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  TRUNCATE statistiques_jours, statistiques_territoires, statistiques_territoires_journal, statistiques_presences;
  INSERT INTO statistiques_jours (jour, conseiller_id, structure_id, departement, type, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
  SELECT (x.r).date, (x.r).conseiller_id, coalesce((x.r).structure_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce((x.r).departement, ''), (x.r).type, l.dimension, l.valeur,
         sum(l.activites), sum(l.accompagnements), sum(l.participants_ateliers), sum(l.personnes), sum(l.nouveaux), sum(l.minutes)
  FROM (SELECT a AS r FROM activites a WHERE a.deleted_at IS NULL OFFSET 0) x CROSS JOIN LATERAL statistiques_lignes(x.r) l
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  HAVING sum(l.activites) <> 0 OR sum(l.accompagnements) <> 0 OR sum(l.personnes) <> 0 OR sum(l.nouveaux) <> 0 OR sum(l.minutes) <> 0;
  INSERT INTO statistiques_territoires (granularite, departement, type, debut, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
  SELECT g.granularite, d.departement, t.type, CASE WHEN g.granularite = 'mois' THEN date_trunc('month', j.jour)::date ELSE j.jour END, j.dimension, j.valeur,
         sum(j.activites), sum(j.accompagnements), sum(j.participants_ateliers), sum(j.personnes), sum(j.nouveaux), sum(j.minutes)
  FROM statistiques_jours j CROSS JOIN (VALUES ('jour'), ('mois')) g(granularite) CROSS JOIN LATERAL (VALUES (j.departement), ('FR')) d(departement)
       CROSS JOIN LATERAL (VALUES (j.type), ('')) t(type)
  GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum(j.activites) <> 0 OR sum(j.accompagnements) <> 0 OR sum(j.personnes) <> 0 OR sum(j.nouveaux) <> 0 OR sum(j.minutes) <> 0;
  INSERT INTO statistiques_presences (beneficiaire_id, jour, conseiller_id, structure_id, departement, type, genre, tranche_age, statut, n)
  SELECT a.beneficiaire_id, a.date, a.conseiller_id, coalesce(a.structure_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(a.departement, ''), a.type,
         statistiques_cle(a.participants->'genres'), statistiques_cle(a.participants->'tranches_age'), statistiques_cle(a.participants->'statuts'), count(*)
  FROM activites a
  WHERE a.deleted_at IS NULL AND a.beneficiaire_id IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
END
$fn$;
--> statement-breakpoint
-- The territory rows rebuilt from the per-conseiller ones (the same lines, summed): with the national
-- rows and the per-type rows this migration adds.
TRUNCATE statistiques_territoires;
--> statement-breakpoint
INSERT INTO statistiques_territoires (granularite, departement, type, debut, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
SELECT g.granularite, d.departement, t.type, CASE WHEN g.granularite = 'mois' THEN date_trunc('month', j.jour)::date ELSE j.jour END, j.dimension, j.valeur,
       sum(j.activites), sum(j.accompagnements), sum(j.participants_ateliers), sum(j.personnes), sum(j.nouveaux), sum(j.minutes)
FROM statistiques_jours j CROSS JOIN (VALUES ('jour'), ('mois')) g(granularite) CROSS JOIN LATERAL (VALUES (j.departement), ('FR')) d(departement)
     CROSS JOIN LATERAL (VALUES (j.type), ('')) t(type)
GROUP BY 1, 2, 3, 4, 5, 6
HAVING sum(j.activites) <> 0 OR sum(j.accompagnements) <> 0 OR sum(j.personnes) <> 0 OR sum(j.nouveaux) <> 0 OR sum(j.minutes) <> 0;
