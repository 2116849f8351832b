PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_order_cancellations` (
	`order_id` text NOT NULL,
	`customer_id` text DEFAULT '' NOT NULL,
	`at` text NOT NULL,
	PRIMARY KEY(`order_id`, `customer_id`)
);
--> statement-breakpoint
INSERT INTO `__new_order_cancellations`("order_id", "customer_id", "at") SELECT "order_id", '', "at" FROM `order_cancellations`;--> statement-breakpoint
DROP TABLE `order_cancellations`;--> statement-breakpoint
ALTER TABLE `__new_order_cancellations` RENAME TO `order_cancellations`;--> statement-breakpoint
PRAGMA foreign_keys=ON;