/** A reader who may see every customer's records (see @retail/data's Viewer). */
export const OPERATOR = { customerId: 'operator', operator: true } as const;
