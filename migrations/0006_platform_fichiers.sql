CREATE TABLE "fichiers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_context" text NOT NULL,
	"owner_id" text NOT NULL,
	"libelle" text,
	"nom_original" text NOT NULL,
	"media_type" text NOT NULL,
	"taille" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"uploaded_by" uuid,
	"uploaded_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expire_le" timestamp with time zone,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "fichiers_contenus" (
	"key" text PRIMARY KEY NOT NULL,
	"contenu" "bytea" NOT NULL,
	"taille" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "fichiers_owner_idx" ON "fichiers" USING btree ("owner_context","owner_id","created_at");--> statement-breakpoint
CREATE INDEX "fichiers_expire_idx" ON "fichiers" USING btree ("expire_le");