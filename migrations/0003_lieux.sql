CREATE TABLE "lieux" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pivot" text NOT NULL,
	"nom" text NOT NULL,
	"commune" text NOT NULL,
	"code_postal" text NOT NULL,
	"code_insee" text,
	"adresse" text NOT NULL,
	"complement_adresse" text,
	"latitude" double precision,
	"longitude" double precision,
	"typologie" text[] DEFAULT '{}' NOT NULL,
	"telephone" text,
	"courriels" text[] DEFAULT '{}' NOT NULL,
	"site_web" text[] DEFAULT '{}' NOT NULL,
	"horaires" text,
	"presentation_resume" text,
	"presentation_detail" text,
	"source" text,
	"itinerance" text[] DEFAULT '{}' NOT NULL,
	"structure_parente" text,
	"date_maj" text NOT NULL,
	"services" text[] DEFAULT '{}' NOT NULL,
	"publics_specifiquement_adresses" text[] DEFAULT '{}' NOT NULL,
	"prise_en_charge_specifique" text[] DEFAULT '{}' NOT NULL,
	"frais_a_charge" text[] DEFAULT '{}' NOT NULL,
	"dispositif_programmes_nationaux" text[] DEFAULT '{}' NOT NULL,
	"formations_labels" text[] DEFAULT '{}' NOT NULL,
	"autres_formations_labels" text[] DEFAULT '{}' NOT NULL,
	"modalites_acces" text[] DEFAULT '{}' NOT NULL,
	"modalites_accompagnement" text[] DEFAULT '{}' NOT NULL,
	"fiche_acces_libre" text,
	"prise_rdv" text,
	"structure_id" uuid,
	"public" boolean DEFAULT true NOT NULL,
	"origine" text NOT NULL,
	"origine_id" text NOT NULL,
	"empreinte" text NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lieux_conseillers" (
	"lieu_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"creneaux" text[] DEFAULT '{}' NOT NULL,
	CONSTRAINT "lieux_conseillers_lieu_id_user_id_pk" PRIMARY KEY("lieu_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "lieux" ADD CONSTRAINT "lieux_structure_id_structures_id_fk" FOREIGN KEY ("structure_id") REFERENCES "structures"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lieux_conseillers" ADD CONSTRAINT "lieux_conseillers_lieu_id_lieux_id_fk" FOREIGN KEY ("lieu_id") REFERENCES "lieux"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lieux_conseillers" ADD CONSTRAINT "lieux_conseillers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lieux_origine_idx" ON "lieux" USING btree ("origine","origine_id");--> statement-breakpoint
CREATE INDEX "lieux_structure_idx" ON "lieux" USING btree ("structure_id");--> statement-breakpoint
CREATE INDEX "lieux_updated_at_idx" ON "lieux" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "lieux_pivot_idx" ON "lieux" USING btree ("pivot");--> statement-breakpoint
CREATE INDEX "lieux_code_insee_idx" ON "lieux" USING btree ("code_insee");--> statement-breakpoint
CREATE INDEX "lieux_conseillers_user_idx" ON "lieux_conseillers" USING btree ("user_id");