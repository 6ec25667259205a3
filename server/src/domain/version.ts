import { createHash } from 'node:crypto';

export type ChangeKind = 'initial' | 'substantive' | 'editorial';

export interface Version {
  major: number;
  minor: number;
}

export const formatVersion = ({ major, minor }: Version): string => `${major}.${minor}`;

const VERSION = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/;

export const parseVersion = (value: string): Version | null => {
  const match = VERSION.exec(value);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
};

/**
 * The version a publication gets. The first version of a purpose is 1.0 whatever
 * the editor chose; after that a substantive change is MAJOR+1 (clients must
 * consent again) and an editorial change MINOR+1 (existing consents stay valid).
 */
export const nextVersion = (
  current: Version | null,
  kind: Exclude<ChangeKind, 'initial'>
): { version: Version; changeKind: ChangeKind } => {
  if (!current) return { version: { major: 1, minor: 0 }, changeKind: 'initial' };
  if (kind === 'substantive') {
    return { version: { major: current.major + 1, minor: 0 }, changeKind: 'substantive' };
  }
  return { version: { major: current.major, minor: current.minor + 1 }, changeKind: 'editorial' };
};

/** SHA-256 of a body as the client saw it: title and text, UTF-8, hex. */
export const bodyHash = (body: { title: string; text: string }): string =>
  createHash('sha256')
    .update(JSON.stringify([body.title, body.text]), 'utf8')
    .digest('hex');
