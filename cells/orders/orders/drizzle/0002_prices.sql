CREATE TABLE `prices` (
	`sku` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
-- Lines of orders placed before versions were recorded: productVersion 0 (unknown).
UPDATE `orders` SET `lines` = (SELECT json_group_array(json_set(`value`, '$.productVersion', 0)) FROM json_each(`orders`.`lines`));
