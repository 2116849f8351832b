CREATE TABLE `inbox` (
	`event_id` text PRIMARY KEY NOT NULL,
	`consumer` text NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL
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
CREATE TABLE `shipment_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shipment_id` text NOT NULL,
	`status` text NOT NULL,
	`at` text NOT NULL,
	`reason` text,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `shipment_history_shipment` ON `shipment_history` (`shipment_id`,`id`);--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`status` text NOT NULL,
	`carrier` text NOT NULL,
	`tracking_number` text NOT NULL,
	`address` text NOT NULL,
	`lines` text NOT NULL,
	`dispatch_due_at` integer,
	`deliver_due_at` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_order_id_unique` ON `shipments` (`order_id`);--> statement-breakpoint
CREATE INDEX `shipments_customer` ON `shipments` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `shipments_status` ON `shipments` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `shipments_dispatch_due` ON `shipments` (`dispatch_due_at`);--> statement-breakpoint
CREATE INDEX `shipments_deliver_due` ON `shipments` (`deliver_due_at`);