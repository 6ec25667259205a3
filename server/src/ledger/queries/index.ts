/** The ledger's SQL, private to the ledger (its door re-exports only the booking path's seam). */
export * from './first-decisions';
export * from './states';
export * from './summary';
export * from './writes';
