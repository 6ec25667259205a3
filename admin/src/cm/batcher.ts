import {
  fetchBookingChecks,
  fetchClientStatuses,
  type BookingCheck,
  type ClientStatusEntry,
} from '../api';

const MAX_IDS = 100;

/**
 * One value per document id, fetched together with every other cell rendered in the same
 * tick: one call of `fetchMany` (up to 100 ids) per list page instead of one per row.
 * Not useFetchClient: a batch serves many cells, and must not be aborted when the first
 * of them unmounts.
 */
const batched = <T>(fetchMany: (ids: string[]) => Promise<Record<string, T>>) => {
  const cache = new Map<string, Promise<T | null>>();
  let pending: { id: string; resolve: (value: T | null) => void }[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; i += MAX_IDS) {
      const chunk = batch.slice(i, i + MAX_IDS);
      fetchMany(chunk.map((c) => c.id))
        .then((values) => chunk.forEach((c) => c.resolve(values[c.id] ?? null)))
        .catch(() => chunk.forEach((c) => c.resolve(null)));
    }
    // Values change (a consent recorded, a booking edited): keep them for this page view only.
    setTimeout(() => batch.forEach((c) => cache.delete(c.id)), 5000);
  };

  return (documentId: string): Promise<T | null> => {
    const known = cache.get(documentId);
    if (known) return known;
    const promise = new Promise<T | null>((resolve) => {
      pending.push({ id: documentId, resolve });
      if (!scheduled) {
        scheduled = true;
        setTimeout(flush, 0);
      }
    });
    cache.set(documentId, promise);
    return promise;
  };
};

/** A client's consent status (GET /consent/subjects/statuses). */
export const statusOf = batched<ClientStatusEntry>(fetchClientStatuses);

const checksByType = new Map<string, (documentId: string) => Promise<BookingCheck | null>>();

/** A booking's consent mark (GET /consent/bookings/:uid/checks), batched per booking type. */
export const bookingCheckOf = (uid: string, documentId: string) => {
  let of = checksByType.get(uid);
  if (!of) {
    of = batched<BookingCheck>((ids) => fetchBookingChecks(uid, ids));
    checksByType.set(uid, of);
  }
  return of(documentId);
};
