import type { Core } from '@strapi/strapi';
import { seedDemo } from './seed';

let keepRunning = false;

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    // Strapi 5.54 re-reads each entry it created or updated after the commit, to emit its
    // entry.* event, and nothing catches a failure of that read (@strapi/core,
    // services/document-service/events.js: `onCommit(() => emitEvent(...))`, not awaited).
    // A database connection lost at that moment (failover, restart, pg_terminate_backend) is
    // then an unhandled rejection, and Node ends the process with every request in flight
    // (tests/faults/database.test.ts). The write had committed; only the event is lost.
    // The jest runs that boot the app in-process turn this off, so a stray rejection still fails a test.
    if (keepRunning || process.env.DEMO_SURVIVE_UNHANDLED_REJECTIONS === 'false') return;
    keepRunning = true;
    process.on('unhandledRejection', (reason) => {
      strapi.log.error(
        `[demo] unhandled rejection, kept running: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`
      );
    });
  },
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await seedDemo(strapi);
  },
};
