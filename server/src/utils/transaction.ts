import type { Core } from '@strapi/strapi';
import createError from 'http-errors';
import type { Knex } from 'knex';

type AfterCommit = () => void;

export interface TransactionScope {
  trx: Knex.Transaction;
  /** Runs once the outermost transaction's COMMIT is known to have succeeded; never after a failed one. */
  onCommit: (callback: AfterCommit) => void;
}

/** What Strapi passes to a `strapi.db.transaction` callback (its own type says `any`). */
interface StrapiScope {
  trx: Knex.Transaction;
  onCommit: (callback: AfterCommit) => void;
}

/** Seconds a caller is asked to wait before sending a write again whose COMMIT failed. */
export const COMMIT_RETRY_AFTER_SECONDS = 5;

// The after-commit callbacks of each transaction this utility opened, so nested calls add to them.
const afterCommit = new WeakMap<Knex.Transaction, AfterCommit[]>();

/**
 * Run `work` in a database transaction and tell the caller when its COMMIT failed.
 *
 * Strapi's `strapi.db.transaction` awaits knex's `trx.commit()`, which resolves even
 * when the COMMIT statement fails (connection killed, a deferred constraint, a
 * serialization failure): knex hands that error only to `trx.executionPromise`. So
 * Strapi answers 2xx and runs its onCommit callbacks for a write that was never
 * stored. The outermost call here awaits that promise and throws a 503
 * (`CommitFailedError`) instead; its own `onCommit` callbacks run only after a COMMIT
 * that succeeded, and Strapi's (webhooks of the document service) are stopped too.
 *
 * The transaction is still Strapi's (async-local), so document-service calls inside
 * `work` join it. Nested calls join too, and add their callbacks to the outermost
 * call's. Inside a transaction somebody else opened (a host's own `strapi.db.transaction`),
 * its owner decides on the COMMIT: callbacks go to Strapi's onCommit.
 */
export const transaction = async <T>(
  strapi: Core.Strapi,
  work: (scope: TransactionScope) => PromiseLike<T>
): Promise<T> => {
  if (strapi.db.inTransaction()) {
    return strapi.db.transaction(async ({ trx, onCommit }: StrapiScope) => {
      const own = afterCommit.get(trx);
      return work({ trx, onCommit: own ? (callback) => own.push(callback) : onCommit });
    });
  }

  const callbacks: AfterCommit[] = [];
  let opened: Knex.Transaction | undefined;
  let refused: { cause: unknown } | undefined;
  let result: T;
  try {
    result = await strapi.db.transaction(async ({ trx, onCommit }: StrapiScope) => {
      opened = trx;
      afterCommit.set(trx, callbacks);
      // knex settles executionPromise before `trx.commit()` resolves, so by the time Strapi runs
      // its onCommit callbacks (the document service's entry.create/update webhooks among them)
      // this one, registered first, knows a failed COMMIT and stops them by throwing. Should that
      // order ever change, they run, and the check after this call still reports the failure.
      trx.executionPromise.then(
        () => undefined,
        (cause: unknown) => {
          refused = { cause };
        }
      );
      onCommit(() => {
        if (refused !== undefined) throw new CommitRefused();
      });
      return work({ trx, onCommit: (callback) => callbacks.push(callback) });
    });
  } catch (error) {
    if (error instanceof CommitRefused) throw commitFailed(strapi, refused?.cause);
    throw error;
  }
  if (opened) await committed(strapi, opened);
  for (const callback of callbacks) {
    // The write is stored: a failing side effect must not turn its answer into an error.
    try {
      callback();
    } catch (error) {
      strapi.log.error(
        `[consent] an after-commit step failed: ${error instanceof Error ? error.message : String(error)}`
      );
    }
  }
  return result;
};

/** Thrown from Strapi's first onCommit callback to stop the rest after a failed COMMIT. */
class CommitRefused extends Error {}

/** Resolves when `trx` committed; throws the 503 when its COMMIT failed. */
const committed = async (strapi: Core.Strapi, trx: Knex.Transaction): Promise<void> => {
  try {
    await trx.executionPromise;
  } catch (cause) {
    throw commitFailed(strapi, cause);
  }
};

const COMMIT_FAILED = 'CommitFailedError';

export const isCommitFailed = (error: unknown): boolean =>
  error instanceof Error &&
  error.name === COMMIT_FAILED &&
  (error as { status?: unknown }).status === 503;

const commitFailed = (strapi: Core.Strapi, cause: unknown) => {
  const reason = cause instanceof Error ? cause.message : String(cause);
  strapi.log.error(
    `[consent] the database refused to COMMIT a write; nothing of it was stored and the caller was told (${reason})`
  );
  // Strapi's error middleware renders the body but sets no headers of its own; a header set
  // on the response before it does stays on the answer.
  strapi.requestContext.get()?.set('Retry-After', String(COMMIT_RETRY_AFTER_SECONDS));
  // The database's message stays in the log: it can name tables and constraints.
  return createError(
    503,
    'The database did not commit this write, so nothing of it was stored: send it again',
    {
      name: COMMIT_FAILED,
      details: { committed: false, retryAfterSeconds: COMMIT_RETRY_AFTER_SECONDS },
    }
  );
};

interface SqliteConnection {
  inTransaction?: boolean;
  exec?: (sql: string) => unknown;
}

interface PoolEvents {
  on: (event: 'release', listener: (connection: SqliteConnection) => void) => unknown;
}

/**
 * SQLite keeps a transaction open when its COMMIT fails (a deferred foreign key, SQLITE_BUSY),
 * but knex marks it finished and hands the connection back to the pool: the next
 * transaction's BEGIN then fails, and single statements run inside the dead transaction
 * and are lost with it. A connection is only handed back outside a transaction, so one
 * that comes back inside one is rolled back before anyone else gets it (the pool's
 * `release` event runs before the connection is free; better-sqlite3 is synchronous).
 */
export const rollBackLeftOpenTransactions = (strapi: Core.Strapi): void => {
  const client = strapi.db.connection.client as {
    config?: { client?: unknown };
    pool?: PoolEvents;
  };
  const dialect = String(client.config?.client ?? '');
  if (!dialect.includes('sqlite') || !client.pool) return;
  client.pool.on('release', (connection) => {
    if (connection.inTransaction && connection.exec) {
      connection.exec('ROLLBACK');
      strapi.log.warn(
        '[consent] a SQLite connection came back inside a transaction (a failed COMMIT): rolled back'
      );
    }
  });
};
