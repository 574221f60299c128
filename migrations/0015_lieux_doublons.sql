ALTER TABLE "lieux" ADD COLUMN "valeurs_origine" jsonb;--> statement-breakpoint
ALTER TABLE "lieux" ADD COLUMN "doublon_statut" text;--> statement-breakpoint
ALTER TABLE "lieux" ADD COLUMN "doublon_de" uuid;--> statement-breakpoint
ALTER TABLE "lieux" ADD CONSTRAINT "lieux_doublon_de_lieux_id_fk" FOREIGN KEY ("doublon_de") REFERENCES "lieux"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lieux_code_postal_idx" ON "lieux" USING btree ("code_postal");--> statement-breakpoint
CREATE INDEX "lieux_latitude_idx" ON "lieux" USING btree ("latitude");--> statement-breakpoint
CREATE INDEX "lieux_doublon_statut_idx" ON "lieux" USING btree ("doublon_statut");