CREATE TABLE "recrutement_candidats" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"prenom" text NOT NULL,
	"nom" text NOT NULL,
	"email" text NOT NULL,
	"telephone" text NOT NULL,
	"commune_insee" text NOT NULL,
	"departement" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"situations" jsonb NOT NULL,
	"diplome" text,
	"date_disponibilite" date NOT NULL,
	"distance_max_km" integer NOT NULL,
	"motivation" text NOT NULL,
	"pix_palier" integer,
	"cv_fichier_id" uuid,
	"cv_depose_le" timestamp with time zone,
	"statut" text DEFAULT 'disponible' NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recrutement_candidats_user_id_unique" UNIQUE("user_id"),
	CONSTRAINT "recrutement_candidats_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "recrutement_contrats" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mise_en_relation_id" uuid NOT NULL,
	"candidat_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"structure_id" uuid NOT NULL,
	"type" text NOT NULL,
	"date_debut" date NOT NULL,
	"date_fin" date,
	"salaire_centimes" integer NOT NULL,
	"coordinateur" boolean DEFAULT false NOT NULL,
	"statut" text DEFAULT 'saisi' NOT NULL,
	"renouvelle" uuid,
	"rupture_date" date,
	"rupture_motif" text,
	"rupture_documents" text,
	"rupture_declaree_le" timestamp with time zone,
	"valide_le" timestamp with time zone,
	"valide_par" text,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recrutement_equipe_membres" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coordinateur_id" uuid NOT NULL,
	"conseiller_id" uuid,
	"departement" text,
	"debut" date NOT NULL,
	"fin" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recrutement_mises_en_relation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidat_id" uuid NOT NULL,
	"structure_id" uuid NOT NULL,
	"statut" text DEFAULT 'nouvelle' NOT NULL,
	"distance_m" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recrutement_structures" (
	"structure_id" uuid PRIMARY KEY NOT NULL,
	"nom" text NOT NULL,
	"commune_insee" text NOT NULL,
	"departement" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"postes" integer NOT NULL,
	"occupes" integer DEFAULT 0 NOT NULL,
	"date_debut" date NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "recrutement_candidats_updated_idx" ON "recrutement_candidats" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "recrutement_contrats_user_idx" ON "recrutement_contrats" USING btree ("user_id","date_debut");--> statement-breakpoint
CREATE INDEX "recrutement_contrats_structure_idx" ON "recrutement_contrats" USING btree ("structure_id","statut");--> statement-breakpoint
CREATE UNIQUE INDEX "recrutement_contrats_un_saisi_idx" ON "recrutement_contrats" USING btree ("mise_en_relation_id") WHERE statut = 'saisi';--> statement-breakpoint
CREATE INDEX "recrutement_equipe_coord_idx" ON "recrutement_equipe_membres" USING btree ("coordinateur_id");--> statement-breakpoint
CREATE INDEX "recrutement_equipe_conseiller_idx" ON "recrutement_equipe_membres" USING btree ("conseiller_id");--> statement-breakpoint
CREATE UNIQUE INDEX "recrutement_mer_paire_idx" ON "recrutement_mises_en_relation" USING btree ("candidat_id","structure_id");--> statement-breakpoint
CREATE INDEX "recrutement_mer_structure_idx" ON "recrutement_mises_en_relation" USING btree ("structure_id","statut","distance_m");--> statement-breakpoint
CREATE INDEX "recrutement_mer_structure_distance_idx" ON "recrutement_mises_en_relation" USING btree ("structure_id","distance_m");--> statement-breakpoint
CREATE INDEX "recrutement_structures_updated_idx" ON "recrutement_structures" USING btree ("updated_at");