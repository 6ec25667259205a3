export default ({ env }) => ({
  updates: { enabled: false },
  level: env('LOG_LEVEL', 'info'),
});
