/** Claims of the cell-internal token: minted by the cell's gateway, accepted only inside that cell. */
export const internalAudience = (cell: string) => `cell:${cell}`;
export const internalIssuer = (cell: string) => `cell:${cell}:gateway`;
