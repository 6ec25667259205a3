import { PERMISSIONS, PLUGIN_ID, getTranslation } from './pluginId';
import { MenuIcon } from './components/MenuIcon';
import { BookingConsentPanel } from './cm/BookingConsentPanel';
import { consentColumnHook } from './cm/ConsentColumn';
import { ConsentListFilter } from './cm/ConsentListFilter';
import { ConsentPanel } from './cm/ConsentPanel';
import { RequestConsentBulkAction } from './cm/RequestConsentBulkAction';
import { getKnownConfig } from './hooks/useConsentConfig';

type Locale = 'en' | 'da' | 'sv';
const TRANSLATED: Locale[] = ['en', 'da', 'sv'];

interface ContentManagerApis {
  addEditViewSidePanel(panels: unknown[]): void;
  addBulkAction(actions: unknown[]): void;
}
interface ContentManagerPlugin {
  apis: ContentManagerApis;
  injectComponent(
    view: string,
    zone: string,
    component: { name: string; Component: unknown }
  ): void;
}
interface AdminApp {
  addMenuLink(link: unknown): void;
  addSettingsLink(
    section: { id: string; intlLabel: { id: string; defaultMessage: string } },
    link: unknown
  ): void;
  registerPlugin(plugin: unknown): void;
  registerHook(name: string, fn: unknown): void;
  getPlugin(id: string): unknown;
}

const settingsLabel = { id: getTranslation('plugin.name'), defaultMessage: 'Consent' };

export default {
  register(app: AdminApp) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: MenuIcon,
      intlLabel: { id: getTranslation('plugin.name'), defaultMessage: 'Consent' },
      permissions: PERMISSIONS.read,
      Component: () => import('./pages/App'),
    });
    app.registerPlugin({ id: PLUGIN_ID, name: 'Consent' });
  },

  bootstrap(app: AdminApp) {
    app.addSettingsLink(
      { id: PLUGIN_ID, intlLabel: settingsLabel },
      {
        id: `${PLUGIN_ID}-settings`,
        to: PLUGIN_ID,
        intlLabel: { id: getTranslation('settings.link'), defaultMessage: 'Consent settings' },
        permissions: PERMISSIONS.settings,
        Component: () => import('./pages/settings/SettingsPage'),
      }
    );

    app.registerHook(
      'Admin/CM/pages/ListView/inject-column-in-table',
      consentColumnHook(() => getKnownConfig() ?? null)
    );

    const contentManager = app.getPlugin('content-manager') as ContentManagerPlugin | undefined;
    if (!contentManager) return;
    contentManager.apis.addEditViewSidePanel([ConsentPanel, BookingConsentPanel]);
    contentManager.apis.addBulkAction([RequestConsentBulkAction]);
    contentManager.injectComponent('listView', 'actions', {
      name: 'consent-filter',
      Component: ConsentListFilter,
    });
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        const available = TRANSLATED.includes(locale as Locale) ? (locale as Locale) : null;
        if (!available) return { data: {}, locale };
        const { default: data } = await import(`./translations/${available}.json`);
        const prefixed = Object.fromEntries(
          Object.entries(data as Record<string, string>).map(([key, value]) => [
            getTranslation(key),
            value,
          ])
        );
        return { data: prefixed, locale };
      })
    );
  },
};
