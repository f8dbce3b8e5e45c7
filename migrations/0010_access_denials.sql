CREATE TABLE "access_denials" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" integer,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"status" integer NOT NULL,
	"code" text NOT NULL,
	"item_id" bigint
);
--> statement-breakpoint
ALTER TABLE "access_denials" ADD CONSTRAINT "access_denials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_denials_at_idx" ON "access_denials" USING btree ("at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "access_denials_item_idx" ON "access_denials" USING btree ("item_id");