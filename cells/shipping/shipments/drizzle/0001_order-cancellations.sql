CREATE TABLE `order_cancellations` (
	`order_id` text PRIMARY KEY NOT NULL,
	`at` text NOT NULL
);
