import { Badge, Box, Flex, Typography } from '@strapi/design-system';
import { useGetDsrRequestsQuery } from '../api';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { useFormatDateTime, useT, type TranslationKey } from '../hooks/useT';

const SHOWN = 5;

/** The client's data-subject requests on the client card: kind, status, due date (issue 22.1). */
const DsrList = ({ subject }: { subject: string }) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const { data } = useGetDsrRequestsQuery({
    client: subject,
    status: null,
    kind: null,
    due: null,
    before: null,
    limit: SHOWN,
  });
  if (!data) return null;
  return (
    <Box data-testid="consent-dsr-requests">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="sigma" textColor="neutral600">
          {t('panel.dsr.title')}
        </Typography>
        {data.rows.length === 0 ? (
          <Typography variant="pi" textColor="neutral600">
            {t('panel.dsr.none')}
          </Typography>
        ) : (
          <Flex tag="ul" direction="column" alignItems="stretch" gap={2}>
            {data.rows.map((r) => (
              <Flex key={r.documentId} tag="li" direction="column" alignItems="stretch" gap={1}>
                <Flex justifyContent="space-between" gap={2}>
                  <Typography variant="omega">
                    {t(`dsrKind.${r.kind}` as TranslationKey)}
                  </Typography>
                  <Typography variant="pi">
                    {t(`dsrStatus.${r.status}` as TranslationKey)}
                  </Typography>
                </Flex>
                <Flex gap={2}>
                  <Typography variant="pi" textColor="neutral600">
                    {t('dsr.col.due')}: {formatDateTime(r.dueAt)}
                  </Typography>
                  {r.overdue && (
                    <Badge backgroundColor="danger100" textColor="danger700">
                      {t('dsr.overdue')}
                    </Badge>
                  )}
                </Flex>
              </Flex>
            ))}
          </Flex>
        )}
      </Flex>
    </Box>
  );
};

/** Shown only to admins who may read the register. */
export const ClientDsrRequests = ({ subject }: { subject: string }) => {
  const { canDsrRead } = useConsentRBAC();
  return canDsrRead ? <DsrList subject={subject} /> : null;
};
