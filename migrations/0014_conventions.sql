CREATE TABLE "conventions_conventions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"numero" serial NOT NULL,
	"structure_id" uuid NOT NULL,
	"nom" text NOT NULL,
	"siret" text NOT NULL,
	"departement" text NOT NULL,
	"region" text NOT NULL,
	"regime_id" uuid NOT NULL,
	"decision_id" uuid,
	"coselec_numero" integer,
	"precedente_id" uuid,
	"contrats_reconduits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"statut" text NOT NULL,
	"etat" text DEFAULT 'en_construction' NOT NULL,
	"prioritaire" boolean NOT NULL,
	"date_debut" date NOT NULL,
	"date_fin" date NOT NULL,
	"postes" integer NOT NULL,
	"montant_centimes" bigint NOT NULL,
	"verse_centimes" bigint DEFAULT 0 NOT NULL,
	"justifie_centimes" bigint DEFAULT 0 NOT NULL,
	"a_reverser_centimes" bigint DEFAULT 0 NOT NULL,
	"alertes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"calcule_au" date,
	"motif" text,
	"valide_le" timestamp with time zone,
	"valide_par" text,
	"non_interesse_le" timestamp with time zone,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conventions_conventions_numero_unique" UNIQUE("numero")
);
--> statement-breakpoint
CREATE TABLE "conventions_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"convention_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"nature" text NOT NULL,
	"fichier_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"montant_centimes" bigint NOT NULL,
	"postes" integer NOT NULL,
	"date_debut" date NOT NULL,
	"date_fin" date NOT NULL,
	"signe_nom" text,
	"signe_fonction" text,
	"signe_le" timestamp with time zone,
	"signe_par" uuid,
	"par" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conventions_evenements" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "conventions_evenements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"convention_id" uuid NOT NULL,
	"resume" text NOT NULL,
	"acteur" text NOT NULL,
	"donnees" jsonb,
	"le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conventions_postes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"convention_id" uuid NOT NULL,
	"structure_id" uuid NOT NULL,
	"numero" integer NOT NULL,
	"regime_id" uuid NOT NULL,
	"debut" date NOT NULL,
	"rendu_le" date,
	"etat" text DEFAULT 'vacant' NOT NULL,
	"depuis" date NOT NULL,
	"titulaire" text,
	"historique" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"justifie_centimes" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conventions_regimes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"nom" text NOT NULL,
	"entree_du" date NOT NULL,
	"entree_au" date,
	"montant_poste_centimes" integer NOT NULL,
	"mois_finances" integer NOT NULL,
	"bonification_centimes" integer DEFAULT 0 NOT NULL,
	"nature" text NOT NULL,
	"par" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conventions_versements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"convention_id" uuid NOT NULL,
	"date" date NOT NULL,
	"montant_centimes" bigint NOT NULL,
	"reference" text NOT NULL,
	"par" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "conventions_structure_idx" ON "conventions_conventions" USING btree ("structure_id","date_debut");--> statement-breakpoint
CREATE INDEX "conventions_dep_idx" ON "conventions_conventions" USING btree ("departement","nom");--> statement-breakpoint
CREATE UNIQUE INDEX "conventions_decision_idx" ON "conventions_conventions" USING btree ("decision_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conventions_precedente_idx" ON "conventions_conventions" USING btree ("precedente_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conventions_documents_version_idx" ON "conventions_documents" USING btree ("convention_id","version");--> statement-breakpoint
CREATE INDEX "conventions_evenements_convention_idx" ON "conventions_evenements" USING btree ("convention_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "conventions_postes_numero_idx" ON "conventions_postes" USING btree ("convention_id","numero");--> statement-breakpoint
CREATE INDEX "conventions_postes_structure_idx" ON "conventions_postes" USING btree ("structure_id");--> statement-breakpoint
CREATE INDEX "conventions_versements_convention_idx" ON "conventions_versements" USING btree ("convention_id","date");--> statement-breakpoint
CREATE UNIQUE INDEX "conventions_versements_reference_idx" ON "conventions_versements" USING btree ("convention_id","reference");--> statement-breakpoint
-- The first funding regime, from the public facts: 50,000 € per post over 24 months, +7,500 € in priority territories; open until ANCT gives it an end date.
INSERT INTO "conventions_regimes" ("nom", "entree_du", "entree_au", "montant_poste_centimes", "mois_finances", "bonification_centimes", "nature", "par") VALUES ('Première enveloppe (France Relance)', '2020-11-01', NULL, 5000000, 24, 750000, 'conventionnement', 'Données publiques du programme');
