ALTER TABLE "subscriptions" ADD COLUMN "billing_anchor_day" integer DEFAULT extract(day from now() at time zone 'UTC')::int NOT NULL;--> statement-breakpoint
UPDATE "subscriptions" SET "billing_anchor_day" = extract(day from "current_period_start" at time zone 'UTC')::int;
