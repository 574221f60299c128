CREATE TABLE "flash_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "flash_messages_expires_at_idx" ON "flash_messages" USING btree ("expires_at");