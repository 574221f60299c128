CREATE TABLE "recrutement_coordination" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coordinateur_id" uuid NOT NULL,
	"type" text NOT NULL,
	"date" date NOT NULL,
	"duree_minutes" integer NOT NULL,
	"titre" text NOT NULL,
	"partenaire" text,
	"participants" integer,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "recrutement_coordination_coord_date_idx" ON "recrutement_coordination" USING btree ("coordinateur_id","date");