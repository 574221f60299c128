CREATE TABLE "formation_bareme" (
	"niveau" integer PRIMARY KEY NOT NULL,
	"heures" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "formation_certifications" (
	"conseiller_id" uuid PRIMARY KEY NOT NULL,
	"ccp1_resultat" text,
	"ccp1_date" date,
	"pix_score" integer,
	"pix_date" date,
	"ccp2_resultat" text,
	"ccp2_date" date,
	"ccp3_resultat" text,
	"ccp3_date" date,
	"organisme_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "formation_choix_modules" (
	"conseiller_id" uuid NOT NULL,
	"annee" integer NOT NULL,
	"module_id" uuid NOT NULL,
	"realise_le" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "formation_choix_modules_conseiller_id_annee_pk" PRIMARY KEY("conseiller_id","annee")
);
--> statement-breakpoint
CREATE TABLE "formation_inscriptions" (
	"session_id" uuid NOT NULL,
	"conseiller_id" uuid NOT NULL,
	"heures_presence" integer,
	"presence_saisie_le" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "formation_inscriptions_session_id_conseiller_id_pk" PRIMARY KEY("session_id","conseiller_id")
);
--> statement-breakpoint
CREATE TABLE "formation_modules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"annee" integer NOT NULL,
	"titre" text NOT NULL,
	"heures" integer NOT NULL,
	"description" text,
	"organisme_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "formation_organismes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"nom" text NOT NULL,
	"taux_horaire_centimes" integer NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "formation_parcours" (
	"conseiller_id" uuid PRIMARY KEY NOT NULL,
	"organisme_id" uuid NOT NULL,
	"niveau_pix" integer NOT NULL,
	"competence1" integer NOT NULL,
	"competence2" integer NOT NULL,
	"competence3" integer NOT NULL,
	"date_positionnement" date NOT NULL,
	"heures_calculees" integer NOT NULL,
	"heures_requises" integer NOT NULL,
	"motif_ajustement" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "formation_personnels" (
	"organisme_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "formation_personnels_organisme_id_user_id_pk" PRIMARY KEY("organisme_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "formation_propositions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"annee" integer NOT NULL,
	"sujet" text NOT NULL,
	"conseiller_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "formation_relances" (
	"conseiller_id" uuid NOT NULL,
	"jour" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "formation_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisme_id" uuid NOT NULL,
	"titre" text NOT NULL,
	"debut" date NOT NULL,
	"fin" date NOT NULL,
	"heures" integer NOT NULL,
	"lieu" text,
	"a_distance" boolean DEFAULT false NOT NULL,
	"capacite" integer NOT NULL,
	"module_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "formation_votes" (
	"proposition_id" uuid NOT NULL,
	"conseiller_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "formation_votes_proposition_id_conseiller_id_pk" PRIMARY KEY("proposition_id","conseiller_id")
);
--> statement-breakpoint
ALTER TABLE "formation_choix_modules" ADD CONSTRAINT "formation_choix_modules_module_id_formation_modules_id_fk" FOREIGN KEY ("module_id") REFERENCES "formation_modules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formation_inscriptions" ADD CONSTRAINT "formation_inscriptions_session_id_formation_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "formation_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formation_modules" ADD CONSTRAINT "formation_modules_organisme_id_formation_organismes_id_fk" FOREIGN KEY ("organisme_id") REFERENCES "formation_organismes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formation_parcours" ADD CONSTRAINT "formation_parcours_organisme_id_formation_organismes_id_fk" FOREIGN KEY ("organisme_id") REFERENCES "formation_organismes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formation_personnels" ADD CONSTRAINT "formation_personnels_organisme_id_formation_organismes_id_fk" FOREIGN KEY ("organisme_id") REFERENCES "formation_organismes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formation_sessions" ADD CONSTRAINT "formation_sessions_organisme_id_formation_organismes_id_fk" FOREIGN KEY ("organisme_id") REFERENCES "formation_organismes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formation_votes" ADD CONSTRAINT "formation_votes_proposition_id_formation_propositions_id_fk" FOREIGN KEY ("proposition_id") REFERENCES "formation_propositions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "formation_choix_module_idx" ON "formation_choix_modules" USING btree ("module_id");--> statement-breakpoint
CREATE INDEX "formation_inscriptions_conseiller_idx" ON "formation_inscriptions" USING btree ("conseiller_id");--> statement-breakpoint
CREATE INDEX "formation_modules_annee_idx" ON "formation_modules" USING btree ("annee");--> statement-breakpoint
CREATE INDEX "formation_parcours_organisme_idx" ON "formation_parcours" USING btree ("organisme_id");--> statement-breakpoint
CREATE INDEX "formation_personnels_user_idx" ON "formation_personnels" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "formation_propositions_annee_idx" ON "formation_propositions" USING btree ("annee");--> statement-breakpoint
CREATE UNIQUE INDEX "formation_relances_idx" ON "formation_relances" USING btree ("conseiller_id","jour");--> statement-breakpoint
CREATE INDEX "formation_sessions_organisme_idx" ON "formation_sessions" USING btree ("organisme_id","debut");