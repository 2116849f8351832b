CREATE TABLE `customer_moves` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`migration_id` text NOT NULL,
	`partition` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `moved_orders` (
	`order_id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`partition` text NOT NULL,
	`migration_id` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `order_history` ADD `key` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `migration_id` text;