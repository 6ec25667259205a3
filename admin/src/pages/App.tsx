import { SubNav, SubNavHeader, SubNavLink, SubNavSections } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { lazy, Suspense } from 'react';
import { NavLink, Route, Routes, useMatch, useResolvedPath } from 'react-router-dom';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useT } from '../hooks/useT';
import { PERMISSIONS } from '../pluginId';

const OverviewPage = lazy(() => import('./overview/OverviewPage'));
const ClientsPage = lazy(() => import('./clients/ClientsPage'));
const TextsPage = lazy(() => import('./texts/TextsPage'));
const RequestsPage = lazy(() => import('./requests/RequestsPage'));
const DataRightsPage = lazy(() => import('./data-rights/DataRightsPage'));
const DsrPage = lazy(() => import('./dsr/DsrPage'));

const NavItem = ({ to, end, children }: { to: string; end?: boolean; children: string }) => {
  const resolved = useResolvedPath(to);
  const active = Boolean(useMatch({ path: resolved.pathname, end: Boolean(end) }));
  return (
    <SubNavLink tag={NavLink} to={to} end={end} active={active}>
      {children}
    </SubNavLink>
  );
};

const ConsentNav = () => {
  const t = useT();
  const { canErase, canImport, canProof, canDsrRead } = useConsentRBAC();
  return (
    <SubNav aria-label={t('nav.label')}>
      <SubNavHeader label={t('plugin.name')} />
      {/* The pages straight under the header: one section named like the plugin said its name twice. */}
      <SubNavSections spacing={1}>
        <NavItem to="" end>
          {t('nav.overview')}
        </NavItem>
        <NavItem to="clients">{t('nav.clients')}</NavItem>
        <NavItem to="texts">{t('nav.texts')}</NavItem>
        <NavItem to="requests">{t('nav.requests')}</NavItem>
        {(canErase || canImport || canProof) && (
          <NavItem to="data-rights">{t('nav.dataRights')}</NavItem>
        )}
        {canDsrRead && <NavItem to="dsr">{t('nav.dsr')}</NavItem>}
      </SubNavSections>
    </SubNav>
  );
};

const App = () => (
  <Page.Protect permissions={PERMISSIONS.read}>
    <Layouts.Root sideNav={<ConsentNav />}>
      <Suspense fallback={<Page.Loading />}>
        <Routes>
          <Route index element={<OverviewPage />} />
          <Route path="clients" element={<ClientsPage />} />
          <Route path="texts" element={<TextsPage />} />
          <Route path="requests" element={<RequestsPage />} />
          <Route path="data-rights" element={<DataRightsPage />} />
          <Route
            path="dsr"
            element={
              <Page.Protect permissions={PERMISSIONS.dsrRead}>
                <DsrPage />
              </Page.Protect>
            }
          />
          <Route path="*" element={<Page.Error />} />
        </Routes>
      </Suspense>
    </Layouts.Root>
  </Page.Protect>
);

export default App;
