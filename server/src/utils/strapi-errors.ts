import { createRequire } from 'node:module';
import { errors as ownErrors } from '@strapi/utils';

/**
 * The error classes of the @strapi/utils copy Strapi itself uses. Strapi's error middleware
 * answers `instanceof ApplicationError` (400, 403, 404 …) and everything else with a 500, and
 * npm often installs a second copy of @strapi/utils for the plugin: its peer range
 * (^5.37.1) is placed at the app's root as the newest release (5.55.0 under a 5.54.0 app),
 * while each @strapi/* package keeps its own pinned copy. Errors made from that copy are
 * not instances of Strapi's classes, and every refusal became a 500 (scripts/consumer-test.mjs
 * found it). So take the classes from where @strapi/core resolves @strapi/utils; ours only
 * when that cannot be resolved (an ESM build, a bundler).
 */
const strapiErrors = (): typeof ownErrors => {
  try {
    if (typeof require !== 'function') return ownErrors;
    const fromCore = createRequire(require.resolve('@strapi/core/package.json'));
    const utils = fromCore('@strapi/utils') as { errors?: typeof ownErrors };
    return utils.errors?.ApplicationError ? utils.errors : ownErrors;
  } catch {
    return ownErrors;
  }
};

export const errors: typeof ownErrors = strapiErrors();
