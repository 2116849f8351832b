CREATE TABLE `assignments` (
	`cell` text NOT NULL,
	`customer_id` text NOT NULL,
	`partition` text NOT NULL,
	`source` text NOT NULL,
	`assigned_at` text NOT NULL,
	PRIMARY KEY(`cell`, `customer_id`),
	FOREIGN KEY (`partition`) REFERENCES `partitions`(`name`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assignments_partition` ON `assignments` (`partition`);--> statement-breakpoint
CREATE TABLE `inbox` (
	`event_id` text PRIMARY KEY NOT NULL,
	`consumer` text NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `map_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	CONSTRAINT "map_version_single_row" CHECK("map_version"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`subject` text NOT NULL,
	`payload` text NOT NULL,
	`headers` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_id_unique` ON `outbox` (`id`);--> statement-breakpoint
CREATE INDEX `outbox_unsent` ON `outbox` (`sent_at`,`seq`);--> statement-breakpoint
CREATE TABLE `partitions` (
	`name` text PRIMARY KEY NOT NULL,
	`cell` text NOT NULL,
	`state` text NOT NULL,
	`updated_at` text NOT NULL
);
