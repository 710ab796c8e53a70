CREATE TYPE "public"."number_status" AS ENUM('PENDING', 'ACTIVE', 'SUSPENDED', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."number_type" AS ENUM('LOCAL', 'MOBILE', 'TOLL_FREE');--> statement-breakpoint
CREATE TYPE "public"."port_request_status" AS ENUM('SUBMITTED', 'IN_PROGRESS', 'COMPLETED', 'REJECTED');--> statement-breakpoint
CREATE TYPE "public"."subscription_status" AS ENUM('ACTIVE', 'CANCELLED', 'PAST_DUE', 'TRIALING');--> statement-breakpoint
CREATE TYPE "public"."subscription_tier" AS ENUM('FREE', 'STARTER', 'BUSINESS', 'ENTERPRISE');--> statement-breakpoint
CREATE TYPE "public"."usage_type" AS ENUM('CALL_MINUTES', 'SMS_SENT', 'MMS_SENT', 'PHONE_NUMBER');--> statement-breakpoint
CREATE TYPE "public"."sandbox_number_type" AS ENUM('LOCAL', 'MOBILE', 'TOLL_FREE');--> statement-breakpoint
CREATE TABLE "phone_numbers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"phone_number" varchar(20) NOT NULL,
	"friendly_name" varchar(100),
	"country_code" varchar(5) NOT NULL,
	"number_type" "number_type" DEFAULT 'LOCAL' NOT NULL,
	"carrier_sid" varchar(100),
	"capabilities" jsonb NOT NULL,
	"status" "number_status" DEFAULT 'PENDING' NOT NULL,
	"purchased_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"monthly_cost" numeric(10, 2) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "phone_numbers_carrierSid_unique" UNIQUE("carrier_sid")
);
--> statement-breakpoint
CREATE TABLE "port_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"phone_number" varchar(20) NOT NULL,
	"current_provider" varchar(100) NOT NULL,
	"account_number" text NOT NULL,
	"pin" text,
	"status" "port_request_status" DEFAULT 'SUBMITTED' NOT NULL,
	"estimated_completion_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"tier" "subscription_tier" DEFAULT 'FREE' NOT NULL,
	"status" "subscription_status" DEFAULT 'ACTIVE' NOT NULL,
	"current_period_start" timestamp with time zone DEFAULT now() NOT NULL,
	"current_period_end" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_userId_unique" UNIQUE("user_id")
);
--> statement-breakpoint
CREATE TABLE "usage_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"subscription_id" uuid,
	"type" "usage_type" NOT NULL,
	"quantity" numeric(10, 4) NOT NULL,
	"unit_cost" numeric(10, 4),
	"total_cost" numeric(10, 4),
	"currency" varchar(3) DEFAULT 'EUR' NOT NULL,
	"phone_number_id" uuid,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_numbers" (
	"phone_number" varchar(20) PRIMARY KEY NOT NULL,
	"carrier_sid" varchar(64) NOT NULL,
	"country_code" varchar(2) NOT NULL,
	"number_type" "sandbox_number_type" NOT NULL,
	"friendly_name" varchar(100),
	"allocated_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	CONSTRAINT "sandbox_numbers_carrierSid_unique" UNIQUE("carrier_sid")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" varchar(100) NOT NULL,
	"payload" jsonb NOT NULL,
	"dedupe_key" varchar(200),
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 10 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"done_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jobs_dedupeKey_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_requests" ADD CONSTRAINT "port_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_phone_number_id_phone_numbers_id_fk" FOREIGN KEY ("phone_number_id") REFERENCES "public"."phone_numbers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "phone_numbers_live_number_idx" ON "phone_numbers" USING btree ("phone_number") WHERE "phone_numbers"."status" <> 'CANCELLED';--> statement-breakpoint
CREATE INDEX "phone_numbers_user_id_idx" ON "phone_numbers" USING btree ("user_id","status");--> statement-breakpoint
CREATE INDEX "phone_numbers_status_idx" ON "phone_numbers" USING btree ("status");--> statement-breakpoint
CREATE INDEX "port_requests_user_id_idx" ON "port_requests" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "port_requests_open_idx" ON "port_requests" USING btree ("user_id","phone_number") WHERE "port_requests"."status" in ('SUBMITTED', 'IN_PROGRESS');--> statement-breakpoint
CREATE INDEX "usage_records_user_period_idx" ON "usage_records" USING btree ("user_id","period_start","period_end");--> statement-breakpoint
CREATE INDEX "usage_records_type_idx" ON "usage_records" USING btree ("type");--> statement-breakpoint
CREATE INDEX "sandbox_numbers_country_idx" ON "sandbox_numbers" USING btree ("country_code","number_type");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("run_at") WHERE done_at is null and failed_at is null;