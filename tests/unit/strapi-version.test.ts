import type { Core } from '@strapi/strapi';
import {
  assertStrapiVersion,
  compareVersions,
  STRAPI_FLOOR,
} from '../../server/src/config/strapi-version';
import pkg from '../../package.json';

const running = (version: string) =>
  ({
    config: { get: (key: string) => (key === 'info.strapi' ? version : undefined) },
  }) as never as Core.Strapi;

describe('the Strapi floor', () => {
  it('is the floor of the @strapi/strapi peer dependency', () => {
    expect(pkg.peerDependencies['@strapi/strapi']).toBe(`^${STRAPI_FLOOR}`);
  });

  it('compares MAJOR.MINOR.PATCH numerically', () => {
    expect(compareVersions('5.37.1', '5.37.1')).toBe(0);
    expect(compareVersions('5.37.0', '5.37.1')).toBe(-1);
    expect(compareVersions('5.100.0', '5.54.0')).toBe(1);
    expect(compareVersions('next', '5.37.1')).toBeNull();
  });

  it.each(['5.37.1', '5.54.0', '5.55.1'])('lets Strapi %s start', (version) => {
    expect(() => assertStrapiVersion(running(version))).not.toThrow();
  });

  it.each(['5.37.0', '5.12.3', '4.25.1', '6.0.0'])(
    'stops Strapi %s with one message naming the floor and the running version',
    (version) => {
      expect(() => assertStrapiVersion(running(version))).toThrow(
        `[consent] strapi-plugin-consent needs Strapi ${STRAPI_FLOOR} or a later 5.x; this app runs Strapi ${version}.`
      );
    }
  );
});
