DROP INDEX "contacts_user_sort_idx";--> statement-breakpoint
CREATE INDEX "contacts_user_sort_c_idx" ON "contacts" USING btree ("user_id","sort_name" collate "C");