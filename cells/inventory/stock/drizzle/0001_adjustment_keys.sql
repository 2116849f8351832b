CREATE TABLE `adjustment_keys` (
	`actor` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`request_hash` text NOT NULL,
	`adjustment_id` integer NOT NULL,
	`response` text NOT NULL,
	`at` text NOT NULL,
	PRIMARY KEY(`actor`, `idempotency_key`),
	FOREIGN KEY (`adjustment_id`) REFERENCES `adjustments`(`id`) ON UPDATE no action ON DELETE no action
);
