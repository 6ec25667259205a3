import { SealCheck } from '@strapi/icons';
import type { SVGProps } from 'react';
import { useConsentConfig } from '../hooks/useConsentConfig';

/**
 * The main-menu icon. It is rendered on every page once an admin with the read
 * permission is logged in, so it also fetches the plugin configuration early: the
 * Content Manager's column hook runs synchronously and can only use what is known.
 */
export const MenuIcon = (props: SVGProps<SVGSVGElement>) => {
  useConsentConfig();
  return <SealCheck {...props} />;
};
