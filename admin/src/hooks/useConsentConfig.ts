import { useEffect, useState } from 'react';
import { fetchHostConfig, type HostConfig } from '../api';

let pending: Promise<HostConfig | null> | null = null;
let known: HostConfig | null = null;

/**
 * Kept in localStorage too: the list view's column hook runs synchronously on the
 * first render after a full page load, before any request could answer.
 */
const STORAGE_KEY = 'strapi-plugin-consent:config';
const remember = (value: HostConfig | null) => {
  try {
    if (value) window.localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    else window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage unavailable (private mode): the column then appears after the first in-app navigation.
  }
};
const remembered = (): HostConfig | null => {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as HostConfig) : null;
  } catch {
    return null;
  }
};

/**
 * Shared by every component, so not through useFetchClient: its requests are aborted
 * when the component that made them unmounts, and the menu icon that asks first does.
 */
const load = (): Promise<HostConfig | null> => {
  pending ??= fetchHostConfig()
    .then((config) => {
      known = config;
      remember(known);
      return known;
    })
    .catch((error: { status?: number; response?: { status?: number } }) => {
      // No permission: forget what an earlier session knew. Not logged in yet: ask again next time.
      const status = error?.status ?? error?.response?.status;
      if (status === 403) remember(null);
      pending = null;
      return null;
    });
  return pending;
};

/** Forget the configuration (an admin without plugin::consent.read uses this browser). */
export const forgetConfig = () => {
  known = null;
  remember(null);
};

/** The configuration if it was already fetched: for code that cannot wait (the list view's column hook). */
export const getKnownConfig = () => known ?? remembered();

/**
 * The host configuration (client and booking types, locales) from GET /consent/config,
 * fetched once per page load. null while loading or when it cannot be read (no
 * plugin::consent.read permission): callers then render nothing.
 */
export const useConsentConfig = (): HostConfig | null => {
  const [config, setConfig] = useState<HostConfig | null>(known);
  useEffect(() => {
    let live = true;
    load().then((value) => live && setConfig(value));
    return () => {
      live = false;
    };
  }, []);
  return config;
};
