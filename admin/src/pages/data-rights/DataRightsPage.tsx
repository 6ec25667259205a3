import { Flex } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { PageHeader } from '../../components/PageHeader';
import { AuditSection } from './AuditSection';
import { ImportSection } from './ImportSection';
import { ProofSection } from './ProofSection';
import { RetentionSection } from './RetentionSection';
import { useConsentRBAC } from '../../hooks/useConsentRBAC';
import { useT } from '../../hooks/useT';

/**
 * Data rights: retention (bulk erasure of inactive clients), import of legacy
 * consents, tamper evidence and the audit trail. Each section needs its own
 * permission (erase, import, proof); the page opens with any one of them.
 */
const DataRightsPage = () => {
  const t = useT();
  const { isLoading, canErase, canImport, canProof } = useConsentRBAC();
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
          {canProof && <AuditSection />}
        </Flex>
      </Layouts.Content>
    </>
  );
};

export default DataRightsPage;
