import { SealCheck } from '@strapi/icons';
import { PERMISSIONS, PLUGIN_ID, getTranslation } from './pluginId';

type Locale = 'en' | 'da' | 'sv';
const TRANSLATED: Locale[] = ['en', 'da', 'sv'];

interface AdminApp {
  addMenuLink(link: unknown): void;
  registerPlugin(plugin: unknown): void;
}

export default {
  register(app: AdminApp) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: SealCheck,
      intlLabel: { id: getTranslation('plugin.name'), defaultMessage: 'Consent' },
      permissions: PERMISSIONS.read,
      Component: () => import('./pages/App'),
    });
    app.registerPlugin({ id: PLUGIN_ID, name: 'Consent' });
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        const available = TRANSLATED.includes(locale as Locale) ? (locale as Locale) : null;
        if (!available) return { data: {}, locale };
        const { default: data } = await import(`./translations/${available}.json`);
        const prefixed = Object.fromEntries(
          Object.entries(data as Record<string, string>).map(([key, value]) => [getTranslation(key), value])
        );
        return { data: prefixed, locale };
      })
    );
  },
};
