// The demo's admin panel offers the languages the consent plugin is translated to
// (English is always there).
export default {
  config: {
    locales: ['da', 'sv'],
  },
  bootstrap() {},
};
