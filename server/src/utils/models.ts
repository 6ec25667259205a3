import type { Core, UID } from '@strapi/strapi';

/**
 * Content types named at run time: the host's client, booking and login types come from the
 * plugin's configuration, and TypeScript cannot know them the way a host app's generated
 * registry does. Their uids are cast here, once, so that no caller needs `as never`; the
 * plugin checks at start that each configured uid exists (config/host-types.ts).
 */
export const modelUid = (uid: string): UID.ContentType => uid as UID.ContentType;

/** The query engine of a type named at run time (`strapi.db.query`). */
export const queryOf = (strapi: Core.Strapi, uid: string) => strapi.db.query(modelUid(uid));

/** The Document Service of a type named at run time (`strapi.documents`). */
export const documentsOf = (strapi: Core.Strapi, uid: string) => strapi.documents(modelUid(uid));

/** The database metadata (table, columns) of a type named at run time. */
export const metadataOf = (strapi: Core.Strapi, uid: string) =>
  strapi.db.metadata.get(modelUid(uid));

/** The content-type schema of a type named at run time. */
export const contentTypeOf = (strapi: Core.Strapi, uid: string) =>
  strapi.contentType(modelUid(uid));
