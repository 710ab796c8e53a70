CREATE TYPE "public"."call_audio" AS ENUM('WEBRTC', 'CARRIER');--> statement-breakpoint
CREATE TYPE "public"."call_direction" AS ENUM('INBOUND', 'OUTBOUND');--> statement-breakpoint
CREATE TYPE "public"."call_status" AS ENUM('QUEUED', 'RINGING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'BUSY', 'NO_ANSWER', 'CANCELLED');--> statement-breakpoint
CREATE TABLE "calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"contact_id" uuid,
	"from_number" varchar(20) NOT NULL,
	"to_number" varchar(20) NOT NULL,
	"direction" "call_direction" NOT NULL,
	"status" "call_status" NOT NULL,
	"audio" "call_audio" NOT NULL,
	"carrier_call_sid" varchar(100),
	"client_call_sid" varchar(100),
	"peer_call_id" uuid,
	"answered_device" varchar(64),
	"ringing_devices" integer,
	"missed_reason" varchar(32),
	"error_code" integer,
	"error_message" text,
	"muted" boolean DEFAULT false NOT NULL,
	"on_hold" boolean DEFAULT false NOT NULL,
	"started_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"duration_seconds" integer DEFAULT 0 NOT NULL,
	"billable_duration_seconds" integer DEFAULT 0 NOT NULL,
	"cost" numeric(10, 4),
	"cost_currency" varchar(3) DEFAULT 'EUR' NOT NULL,
	"recording_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calls_carrierCallSid_unique" UNIQUE("carrier_call_sid")
);
--> statement-breakpoint
ALTER TABLE "usage_records" ADD COLUMN "call_id" uuid;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_peer_call_id_calls_id_fk" FOREIGN KEY ("peer_call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_user_created_idx" ON "calls" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "calls_contact_id_idx" ON "calls" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "calls_status_idx" ON "calls" USING btree ("status");--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "usage_records_call_id_idx" ON "usage_records" USING btree ("call_id") WHERE "usage_records"."call_id" is not null;