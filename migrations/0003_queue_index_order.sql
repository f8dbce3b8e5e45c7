DROP INDEX "items_open_priority_idx";--> statement-breakpoint
DROP INDEX "items_status_priority_idx";--> statement-breakpoint
DROP INDEX "items_priority_idx";--> statement-breakpoint
DROP INDEX "items_sort_at_idx";--> statement-breakpoint
DROP INDEX "items_source_sort_idx";--> statement-breakpoint
CREATE INDEX "items_open_priority_idx" ON "items" USING btree ("priority" DESC NULLS FIRST,"sort_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE status in ('new', 'in_review');--> statement-breakpoint
CREATE INDEX "items_status_priority_idx" ON "items" USING btree ("status","priority" DESC NULLS FIRST,"sort_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "items_priority_idx" ON "items" USING btree ("priority" DESC NULLS FIRST,"sort_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "items_sort_at_idx" ON "items" USING btree ("sort_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "items_source_sort_idx" ON "items" USING btree ("source_id","sort_at" DESC NULLS FIRST);