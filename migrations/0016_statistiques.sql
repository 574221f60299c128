CREATE TABLE "statistiques_jours" (
	"jour" date NOT NULL,
	"conseiller_id" uuid NOT NULL,
	"structure_id" uuid NOT NULL,
	"departement" text NOT NULL,
	"type" text NOT NULL,
	"dimension" text NOT NULL,
	"valeur" text NOT NULL,
	"activites" integer DEFAULT 0 NOT NULL,
	"accompagnements" integer DEFAULT 0 NOT NULL,
	"participants_ateliers" integer DEFAULT 0 NOT NULL,
	"personnes" integer DEFAULT 0 NOT NULL,
	"nouveaux" integer DEFAULT 0 NOT NULL,
	"minutes" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "statistiques_jours_dimension_jour_conseiller_id_structure_id_departement_type_valeur_pk" PRIMARY KEY("dimension","jour","conseiller_id","structure_id","departement","type","valeur")
);
--> statement-breakpoint
CREATE TABLE "statistiques_presences" (
	"beneficiaire_id" uuid NOT NULL,
	"jour" date NOT NULL,
	"conseiller_id" uuid NOT NULL,
	"structure_id" uuid NOT NULL,
	"departement" text NOT NULL,
	"type" text NOT NULL,
	"genre" text NOT NULL,
	"tranche_age" text NOT NULL,
	"statut" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "statistiques_presences_beneficiaire_id_jour_conseiller_id_structure_id_departement_type_genre_tranche_age_statut_pk" PRIMARY KEY("beneficiaire_id","jour","conseiller_id","structure_id","departement","type","genre","tranche_age","statut")
);
--> statement-breakpoint
CREATE TABLE "statistiques_territoires" (
	"granularite" text NOT NULL,
	"debut" date NOT NULL,
	"departement" text NOT NULL,
	"dimension" text NOT NULL,
	"valeur" text NOT NULL,
	"activites" integer DEFAULT 0 NOT NULL,
	"accompagnements" integer DEFAULT 0 NOT NULL,
	"participants_ateliers" integer DEFAULT 0 NOT NULL,
	"personnes" integer DEFAULT 0 NOT NULL,
	"nouveaux" integer DEFAULT 0 NOT NULL,
	"minutes" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "statistiques_territoires_granularite_dimension_debut_departement_valeur_pk" PRIMARY KEY("granularite","dimension","debut","departement","valeur")
);
--> statement-breakpoint
CREATE INDEX "statistiques_jours_conseiller_idx" ON "statistiques_jours" USING btree ("conseiller_id","dimension","jour");--> statement-breakpoint
CREATE INDEX "statistiques_jours_structure_idx" ON "statistiques_jours" USING btree ("structure_id","dimension","jour");--> statement-breakpoint
CREATE INDEX "statistiques_jours_departement_idx" ON "statistiques_jours" USING btree ("departement","dimension","jour");--> statement-breakpoint
CREATE INDEX "statistiques_presences_jour_idx" ON "statistiques_presences" USING btree ("jour");--> statement-breakpoint
CREATE INDEX "statistiques_presences_conseiller_idx" ON "statistiques_presences" USING btree ("conseiller_id","jour");--> statement-breakpoint
CREATE INDEX "statistiques_presences_structure_idx" ON "statistiques_presences" USING btree ("structure_id","jour");--> statement-breakpoint
CREATE INDEX "statistiques_presences_departement_idx" ON "statistiques_presences" USING btree ("departement","jour");
--> statement-breakpoint
-- The lines one activity adds to the aggregates (domain §11), one per (dimension, value).
CREATE FUNCTION statistiques_lignes(c activites)
RETURNS TABLE(dimension text, valeur text, activites integer, accompagnements integer, participants_ateliers integer, personnes integer, nouveaux integer, minutes integer)
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT 'total', '', 1, c.accompagnements,
         CASE WHEN c.type = 'collectif' THEN c.accompagnements ELSE 0 END,
         CASE WHEN c.beneficiaire_id IS NULL THEN coalesce((c.participants->>'total')::int, 0) ELSE 0 END,
         CASE WHEN c.beneficiaire_id IS NULL THEN coalesce((c.participants->>'total')::int, 0) - coalesce((c.participants->>'deja_accompagnes')::int, 0) ELSE 0 END,
         c.duree_minutes::int
  UNION ALL SELECT 'type', c.type, 1, c.accompagnements, 0, 0, 0, c.duree_minutes::int
  UNION ALL SELECT 'thematique', t, 1, c.accompagnements, 0, 0, 0, c.duree_minutes::int FROM (SELECT DISTINCT unnest(c.thematiques) AS t) x
  UNION ALL SELECT 'thematique_demarche', t, 1, c.accompagnements, 0, 0, 0, c.duree_minutes::int FROM (SELECT DISTINCT unnest(c.thematiques_demarches) AS t) x
  UNION ALL SELECT 'materiel', t, 1, c.accompagnements, 0, 0, 0, c.duree_minutes::int FROM (SELECT DISTINCT unnest(c.materiel) AS t) x
  UNION ALL SELECT 'lieu', c.lieu_type, 1, c.accompagnements, 0, 0, 0, c.duree_minutes::int
  UNION ALL SELECT 'duree', c.tranche_duree, 1, c.accompagnements, 0, 0, 0, c.duree_minutes::int
  UNION ALL SELECT 'orientation', c.orientation, 1, c.accompagnements, 0, 0, 0, c.duree_minutes::int WHERE c.orientation IS NOT NULL
  UNION ALL SELECT 'lieu_id', c.lieu_id::text, 1, c.accompagnements, 0, 0, 0, c.duree_minutes::int WHERE c.lieu_id IS NOT NULL
  UNION ALL SELECT 'commune', c.commune_insee, 1, c.accompagnements, 0, 0, 0, c.duree_minutes::int WHERE c.commune_insee IS NOT NULL
  UNION ALL SELECT 'genre', e.key, 1, 0, 0, e.value::int, 0, 0 FROM jsonb_each_text(coalesce(c.participants->'genres', '{}'::jsonb)) e WHERE c.beneficiaire_id IS NULL
  UNION ALL SELECT 'tranche_age', e.key, 1, 0, 0, e.value::int, 0, 0 FROM jsonb_each_text(coalesce(c.participants->'tranches_age', '{}'::jsonb)) e WHERE c.beneficiaire_id IS NULL
  UNION ALL SELECT 'statut', e.key, 1, 0, 0, e.value::int, 0, 0 FROM jsonb_each_text(coalesce(c.participants->'statuts', '{}'::jsonb)) e WHERE c.beneficiaire_id IS NULL
$fn$;
--> statement-breakpoint
-- The value a followed beneficiary's activity gives for gender / age / status: the first key counted.
CREATE FUNCTION statistiques_cle(counts jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
  SELECT coalesce((SELECT min(e.key) FROM jsonb_each_text(coalesce(counts, '{}'::jsonb)) e WHERE e.value::int > 0), 'non_communique')
$fn$;
--> statement-breakpoint
-- Applies a change of activities to every aggregate: minus the old rows, plus the new ones (deleted ones count for nothing).
CREATE FUNCTION statistiques_appliquer(anciennes activites[], nouvelles activites[]) RETURNS void LANGUAGE plpgsql AS $fn$
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
    FROM lignes GROUP BY dimension, jour, conseiller_id, structure_id, departement, type, valeur
    HAVING sum(activites) <> 0 OR sum(accompagnements) <> 0 OR sum(personnes) <> 0 OR sum(nouveaux) <> 0 OR sum(minutes) <> 0
    ORDER BY dimension, jour, conseiller_id, structure_id, departement, type, valeur
    ON CONFLICT (dimension, jour, conseiller_id, structure_id, departement, type, valeur) DO UPDATE SET
      activites = s.activites + excluded.activites, accompagnements = s.accompagnements + excluded.accompagnements,
      participants_ateliers = s.participants_ateliers + excluded.participants_ateliers, personnes = s.personnes + excluded.personnes,
      nouveaux = s.nouveaux + excluded.nouveaux, minutes = s.minutes + excluded.minutes
  ),
  territoires AS (
    INSERT INTO statistiques_territoires AS s (granularite, debut, departement, dimension, valeur, activites, accompagnements, participants_ateliers, personnes, nouveaux, minutes)
    SELECT g.granularite, CASE WHEN g.granularite = 'mois' THEN date_trunc('month', l.jour)::date ELSE l.jour END AS debut, l.departement, l.dimension, l.valeur,
           sum(l.activites), sum(l.accompagnements), sum(l.participants_ateliers), sum(l.personnes), sum(l.nouveaux), sum(l.minutes)
    FROM lignes l CROSS JOIN (VALUES ('jour'), ('mois')) g(granularite)
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(l.activites) <> 0 OR sum(l.accompagnements) <> 0 OR sum(l.personnes) <> 0 OR sum(l.nouveaux) <> 0 OR sum(l.minutes) <> 0
    ORDER BY 1, 4, 2, 3, 5
    ON CONFLICT (granularite, dimension, debut, departement, valeur) DO UPDATE SET
      activites = s.activites + excluded.activites, accompagnements = s.accompagnements + excluded.accompagnements,
      participants_ateliers = s.participants_ateliers + excluded.participants_ateliers, personnes = s.personnes + excluded.personnes,
      nouveaux = s.nouveaux + excluded.nouveaux, minutes = s.minutes + excluded.minutes
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
CREATE FUNCTION statistiques_activites_inserees() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM statistiques_appliquer('{}'::activites[], ARRAY(SELECT n::activites FROM nouvelles n));
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE FUNCTION statistiques_activites_modifiees() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM statistiques_appliquer(ARRAY(SELECT o::activites FROM anciennes o), ARRAY(SELECT n::activites FROM nouvelles n));
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE FUNCTION statistiques_activites_supprimees() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM statistiques_appliquer(ARRAY(SELECT o::activites FROM anciennes o), '{}'::activites[]);
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER statistiques_insert AFTER INSERT ON activites REFERENCING NEW TABLE AS nouvelles FOR EACH STATEMENT EXECUTE FUNCTION statistiques_activites_inserees();
--> statement-breakpoint
CREATE TRIGGER statistiques_update AFTER UPDATE ON activites REFERENCING OLD TABLE AS anciennes NEW TABLE AS nouvelles FOR EACH STATEMENT EXECUTE FUNCTION statistiques_activites_modifiees();
--> statement-breakpoint
CREATE TRIGGER statistiques_delete AFTER DELETE ON activites REFERENCING OLD TABLE AS anciennes FOR EACH STATEMENT EXECUTE FUNCTION statistiques_activites_supprimees();
--> statement-breakpoint
-- The activities recorded before this migration.
SELECT statistiques_appliquer('{}'::activites[], ARRAY(SELECT a FROM activites a WHERE a.deleted_at IS NULL));
