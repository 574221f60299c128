CREATE TABLE "programme_avenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dossier_id" uuid NOT NULL,
	"type" text NOT NULL,
	"postes_demandes" integer NOT NULL,
	"postes_avant" integer NOT NULL,
	"motif" text NOT NULL,
	"temps_coordinateur" text,
	"statut" text DEFAULT 'en_cours' NOT NULL,
	"avis_prefet" text,
	"avis_commentaire" text,
	"avis_le" timestamp with time zone,
	"postes_accordes" integer,
	"refus" text,
	"decide_le" timestamp with time zone,
	"decide_par" text,
	"demande_par" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programme_coselec" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"numero" serial NOT NULL,
	"date" date NOT NULL,
	"statut" text DEFAULT 'ouvert' NOT NULL,
	"cloture_le" timestamp with time zone,
	"cloture_par" text,
	"derogation" text,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "programme_coselec_numero_unique" UNIQUE("numero")
);
--> statement-breakpoint
CREATE TABLE "programme_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coselec_id" uuid NOT NULL,
	"dossier_id" uuid NOT NULL,
	"avis" text NOT NULL,
	"postes" integer DEFAULT 0 NOT NULL,
	"observation" text,
	"prioritaire" boolean DEFAULT false NOT NULL,
	"decide_par" text NOT NULL,
	"effective_le" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programme_dossiers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"structure_id" uuid NOT NULL,
	"numero" serial NOT NULL,
	"statut" text NOT NULL,
	"nom" text NOT NULL,
	"type" text NOT NULL,
	"siret" text NOT NULL,
	"commune_insee" text NOT NULL,
	"departement" text NOT NULL,
	"region" text NOT NULL,
	"contact_prenom" text NOT NULL,
	"contact_nom" text NOT NULL,
	"contact_fonction" text NOT NULL,
	"contact_email" text NOT NULL,
	"contact_telephone" text NOT NULL,
	"postes_souhaites" integer NOT NULL,
	"date_debut" date NOT NULL,
	"candidat_identifie" boolean NOT NULL,
	"motivation" text NOT NULL,
	"label_france_services" boolean NOT NULL,
	"zrr" boolean NOT NULL,
	"qpv" boolean NOT NULL,
	"engagement_le" timestamp with time zone NOT NULL,
	"postes_valides" integer DEFAULT 0 NOT NULL,
	"avis_prefet" text,
	"avis_commentaire" text,
	"avis_le" timestamp with time zone,
	"avis_par" text,
	"prioritaire" boolean DEFAULT false NOT NULL,
	"doublon_de" uuid,
	"statut_le" timestamp with time zone DEFAULT now() NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "programme_dossiers_structure_id_unique" UNIQUE("structure_id"),
	CONSTRAINT "programme_dossiers_numero_unique" UNIQUE("numero")
);
--> statement-breakpoint
CREATE TABLE "programme_evenements" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "programme_evenements_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"dossier_id" uuid NOT NULL,
	"type" text NOT NULL,
	"resume" text NOT NULL,
	"acteur_id" uuid,
	"acteur" text NOT NULL,
	"donnees" jsonb,
	"le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programme_territoires" (
	"code" text PRIMARY KEY NOT NULL,
	"enveloppe" integer DEFAULT 0 NOT NULL,
	"postes_valides" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programme_vagues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"date" date NOT NULL,
	"postes" integer NOT NULL,
	"libelle" text,
	"par" text NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "programme_avenants_dossier_idx" ON "programme_avenants" USING btree ("dossier_id");--> statement-breakpoint
CREATE UNIQUE INDEX "programme_avenants_un_en_cours_idx" ON "programme_avenants" USING btree ("dossier_id") WHERE statut = 'en_cours';--> statement-breakpoint
CREATE UNIQUE INDEX "programme_decisions_coselec_dossier_idx" ON "programme_decisions" USING btree ("coselec_id","dossier_id");--> statement-breakpoint
CREATE INDEX "programme_decisions_dossier_idx" ON "programme_decisions" USING btree ("dossier_id");--> statement-breakpoint
CREATE INDEX "programme_dossiers_dep_statut_idx" ON "programme_dossiers" USING btree ("departement","statut","numero");--> statement-breakpoint
CREATE INDEX "programme_dossiers_statut_idx" ON "programme_dossiers" USING btree ("statut","numero");--> statement-breakpoint
CREATE INDEX "programme_evenements_dossier_idx" ON "programme_evenements" USING btree ("dossier_id","id");--> statement-breakpoint
CREATE INDEX "programme_vagues_code_idx" ON "programme_vagues" USING btree ("code","date");