import { parsePluginConfig } from '../../server/src/config/schema';

const config = { subject: { uid: 'api::client.client', email: 'email' } };

describe('config demo.timeTravel', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('is off unless asked for', () => {
    expect(parsePluginConfig(config).demo.timeTravel).toBe(false);
  });

  it('is refused when NODE_ENV is production, naming the key', () => {
    process.env.NODE_ENV = 'production';
    expect(() => parsePluginConfig({ ...config, demo: { timeTravel: true } })).toThrow(
      /demo\.timeTravel: refused when NODE_ENV is production/
    );
    expect(parsePluginConfig({ ...config, demo: { timeTravel: false } }).demo.timeTravel).toBe(
      false
    );
  });

  it('is allowed in development', () => {
    process.env.NODE_ENV = 'development';
    expect(parsePluginConfig({ ...config, demo: { timeTravel: true } }).demo.timeTravel).toBe(true);
  });
});
