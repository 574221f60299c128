CREATE TABLE "activites" (
	"id" uuid PRIMARY KEY NOT NULL,
	"conseiller_id" uuid NOT NULL,
	"structure_id" uuid,
	"departement" text,
	"type" text NOT NULL,
	"date" date NOT NULL,
	"duree_minutes" smallint NOT NULL,
	"tranche_duree" text NOT NULL,
	"lieu_type" text NOT NULL,
	"lieu_id" uuid,
	"commune_insee" text,
	"thematiques" text[] NOT NULL,
	"thematiques_demarches" text[] DEFAULT '{}'::text[] NOT NULL,
	"nom_demarche" text,
	"materiel" text[] DEFAULT '{}'::text[] NOT NULL,
	"autonomie" text,
	"orientation" text,
	"titre_atelier" text,
	"niveau_atelier" text,
	"beneficiaire_id" uuid,
	"accompagnements" integer NOT NULL,
	"participants" jsonb NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "beneficiaires" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conseiller_id" uuid NOT NULL,
	"structure_id" uuid,
	"prenom" text,
	"nom" text,
	"annee_naissance" smallint,
	"commune_insee" text,
	"telephone" text,
	"email" text,
	"notes" text,
	"cle_nom" text,
	"consentement_at" timestamp with time zone,
	"fusionne_dans" uuid,
	"anonymise_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activites" ADD CONSTRAINT "activites_beneficiaire_id_beneficiaires_id_fk" FOREIGN KEY ("beneficiaire_id") REFERENCES "beneficiaires"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activites_conseiller_date_idx" ON "activites" USING btree ("conseiller_id","date" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "activites"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "activites_structure_date_idx" ON "activites" USING btree ("structure_id","date") WHERE "activites"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "activites_departement_date_idx" ON "activites" USING btree ("departement","date") WHERE "activites"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "activites_date_idx" ON "activites" USING btree ("date") WHERE "activites"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "activites_beneficiaire_idx" ON "activites" USING btree ("beneficiaire_id","date") WHERE "activites"."beneficiaire_id" is not null and "activites"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "beneficiaires_conseiller_nom_idx" ON "beneficiaires" USING btree ("conseiller_id","cle_nom");--> statement-breakpoint
CREATE INDEX "beneficiaires_conseiller_telephone_idx" ON "beneficiaires" USING btree ("conseiller_id","telephone");--> statement-breakpoint
CREATE INDEX "beneficiaires_conseiller_email_idx" ON "beneficiaires" USING btree ("conseiller_id","email");