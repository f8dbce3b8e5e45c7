CREATE TABLE "feedback" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"item_id" bigint NOT NULL,
	"receipt" text NOT NULL,
	"idempotency_key" text,
	"submitted_by" integer,
	"topic" text,
	"residential_group" text,
	"school" text,
	"channel" text,
	"received_at" timestamp with time zone,
	"consent_version" text NOT NULL,
	"consent_given_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_receipt_unique" UNIQUE("receipt")
);
--> statement-breakpoint
CREATE TABLE "feedback_contacts" (
	"feedback_id" bigint PRIMARY KEY NOT NULL,
	"name" text,
	"contact" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_contacts" ADD CONSTRAINT "feedback_contacts_feedback_id_feedback_id_fk" FOREIGN KEY ("feedback_id") REFERENCES "public"."feedback"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_idempotency_unique" ON "feedback" USING btree ("submitted_by","idempotency_key");--> statement-breakpoint
CREATE INDEX "feedback_submitter_idx" ON "feedback" USING btree ("submitted_by","created_at");--> statement-breakpoint
CREATE INDEX "feedback_item_idx" ON "feedback" USING btree ("item_id");