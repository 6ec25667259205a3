import contentTypes from '../content-types';

type Name = keyof typeof contentTypes;

/** A column name as Strapi 5 makes it from an attribute name (`purposeKey` -> `purpose_key`). */
const columnOf = (attribute: string): string =>
  attribute.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * The columns of a plugin table that its content-type schema declares (content-types/<name>/
 * schema.json), in the schema's order: scalar attributes only (a relation has no column of
 * its own), without the ones Strapi adds (id, document_id, the timestamps). Read once, so that
 * SQL written by hand lists a table's columns from the schema rather than by heart.
 */
export const schemaColumns = (name: Name): readonly string[] =>
  Object.entries(contentTypes[name].schema.attributes as Record<string, { type: string }>)
    .filter(([, attribute]) => attribute.type !== 'relation')
    .map(([attribute]) => columnOf(attribute));

/** A consent state's columns: the subject and purpose it is the state of, then what it takes from its event. */
export const STATE_COLUMNS = schemaColumns('consent-state');

/** The state columns an event sets: all but the (subject, purpose_key) key. */
export const STATE_DECISION_COLUMNS = STATE_COLUMNS.filter(
  (column) => column !== 'subject' && column !== 'purpose_key'
);

/** The event column a state column is copied from (the same name, but for these two). */
export const eventColumnOfState = (column: string): string =>
  column === 'event_id' ? 'id' : column === 'decided_at' ? 'occurred_at' : column;
