DROP INDEX "statistiques_jours_conseiller_idx";--> statement-breakpoint
DROP INDEX "statistiques_jours_structure_idx";--> statement-breakpoint
DROP INDEX "statistiques_jours_departement_idx";--> statement-breakpoint
ALTER TABLE "statistiques_jours" DROP CONSTRAINT "statistiques_jours_dimension_jour_conseiller_id_structure_id_departement_type_valeur_pk";--> statement-breakpoint
ALTER TABLE "statistiques_territoires" DROP CONSTRAINT "statistiques_territoires_granularite_dimension_debut_departement_valeur_pk";--> statement-breakpoint
ALTER TABLE "statistiques_jours" ADD CONSTRAINT "statistiques_jours_jour_conseiller_id_structure_id_departement_type_dimension_valeur_pk" PRIMARY KEY("jour","conseiller_id","structure_id","departement","type","dimension","valeur");--> statement-breakpoint
ALTER TABLE "statistiques_territoires" ADD CONSTRAINT "statistiques_territoires_granularite_debut_departement_dimension_valeur_pk" PRIMARY KEY("granularite","debut","departement","dimension","valeur");--> statement-breakpoint
CREATE INDEX "statistiques_jours_conseiller_idx" ON "statistiques_jours" USING btree ("conseiller_id","jour");--> statement-breakpoint
CREATE INDEX "statistiques_jours_structure_idx" ON "statistiques_jours" USING btree ("structure_id","jour");--> statement-breakpoint
CREATE INDEX "statistiques_jours_departement_idx" ON "statistiques_jours" USING btree ("departement","jour");