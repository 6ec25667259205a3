import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import type { PluginConfigView } from '../api';

let pending: Promise<PluginConfigView | null> | null = null;
let known: PluginConfigView | null = null;

type Get = ReturnType<typeof useFetchClient>['get'];

const load = (get: Get): Promise<PluginConfigView | null> => {
  pending ??= get<{ data: PluginConfigView }>('/consent/config')
    .then(({ data }) => {
      known = data.data;
      return known;
    })
    .catch(() => {
      // No permission, or not logged in yet: ask again next time.
      pending = null;
      return null;
    });
  return pending;
};

/** The configuration if it was already fetched: for code that cannot wait (the list view's column hook). */
export const getKnownConfig = () => known;

/**
 * The host configuration (client and booking types, locales) from GET /consent/config,
 * fetched once per page load. null while loading or when it cannot be read (no
 * plugin::consent.read permission): callers then render nothing.
 */
export const useConsentConfig = (): PluginConfigView | null => {
  const { get } = useFetchClient();
  const [config, setConfig] = useState<PluginConfigView | null>(known);
  useEffect(() => {
    let live = true;
    load(get).then((value) => live && setConfig(value));
    return () => {
      live = false;
    };
  }, [get]);
  return config;
};
