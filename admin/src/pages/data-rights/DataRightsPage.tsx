import { Flex } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { PageHeader } from '../../components/PageHeader';
import { AuditSection } from './AuditSection';
import { EventsSection } from './EventsSection';
import { ImportSection } from './ImportSection';
import { ProofSection } from './ProofSection';
import { RetentionSection } from './RetentionSection';
import { useConsentRBAC } from '../../hooks/useConsentRBAC';
import { useT } from '../../hooks/useT';

/**
 * Data rights: retention (bulk erasure of inactive clients), import of legacy
 * consents, tamper evidence, the events by source and the audit trail. Each
 * section needs its own permission (erase, import, proof; the events read, and
 * export to download them); the page opens with erase, import or proof.
 */
const DataRightsPage = () => {
  const t = useT();
  const { isLoading, canRead, canErase, canImport, canProof, canExport } = useConsentRBAC();
  if (isLoading) return <Page.Loading />;
  if (!canErase && !canImport && !canProof) return <Page.NoPermissions />;
  return (
    <>
      <PageHeader title={t('rights.pageTitle')} subtitle={t('rights.subtitle')} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {canErase && <RetentionSection canErase={canErase} />}
          {canImport && <ImportSection />}
          {canProof && <ProofSection />}
          {canRead && <EventsSection canExport={canExport} />}
          {canProof && <AuditSection />}
        </Flex>
      </Layouts.Content>
    </>
  );
};

export default DataRightsPage;
