CREATE TABLE `drains` (
	`partition` text PRIMARY KEY NOT NULL,
	`cell` text NOT NULL,
	`state` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	FOREIGN KEY (`partition`) REFERENCES `partitions`(`name`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `migrations` (
	`id` text PRIMARY KEY NOT NULL,
	`cell` text NOT NULL,
	`customer_id` text NOT NULL,
	`from_partition` text NOT NULL,
	`to_partition` text NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`drain` text,
	`orders` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`frozen_at` text,
	`flipped_at` text,
	`finished_at` text,
	`active` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `migrations_one_active_per_customer` ON `migrations` (`cell`,`customer_id`) WHERE "migrations"."active" = 1;--> statement-breakpoint
CREATE INDEX `migrations_active` ON `migrations` (`active`,`created_at`);--> statement-breakpoint
CREATE INDEX `migrations_drain` ON `migrations` (`drain`);