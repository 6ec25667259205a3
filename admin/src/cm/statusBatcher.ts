import { fetchClientStatuses, type ClientStatusEntry as StatusEntry } from '../api';

const MAX_IDS = 100;
const cache = new Map<string, Promise<StatusEntry | null>>();
let pending: { id: string; resolve: (value: StatusEntry | null) => void }[] = [];
let scheduled = false;

/**
 * The consent status of one client, fetched together with every other cell rendered
 * in the same tick: one GET /consent/subjects/statuses call per list page.
 */
export const statusOf = (documentId: string): Promise<StatusEntry | null> => {
  const known = cache.get(documentId);
  if (known) return known;
  const promise = new Promise<StatusEntry | null>((resolve) => {
    pending.push({ id: documentId, resolve });
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, 0);
    }
  });
  cache.set(documentId, promise);
  return promise;
};

/** Not useFetchClient: a batch serves many cells, and must not be aborted when the first of them unmounts. */
const flush = () => {
  scheduled = false;
  const batch = pending;
  pending = [];
  for (let i = 0; i < batch.length; i += MAX_IDS) {
    const chunk = batch.slice(i, i + MAX_IDS);
    fetchClientStatuses(chunk.map((c) => c.id))
      .then((statuses) => chunk.forEach((c) => c.resolve(statuses[c.id] ?? null)))
      .catch(() => chunk.forEach((c) => c.resolve(null)));
  }
  // Statuses change (a consent recorded, a text published): keep them for this page view only.
  setTimeout(() => batch.forEach((c) => cache.delete(c.id)), 5000);
};
