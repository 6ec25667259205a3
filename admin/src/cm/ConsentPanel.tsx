import { Box, Button, Divider, Flex, Modal, TextButton, Typography } from '@strapi/design-system';
import { useState } from 'react';
import {
  useCreateClientRequestMutation,
  useGetClientConsentQuery,
  useGetClientEventsQuery,
} from '../api';
import { StatusBadge } from '../components/StatusBadge';
import { useConsentConfig } from '../hooks/useConsentConfig';
import { useConsentRBAC } from '../hooks/useConsentRBAC';
import { usePurposeName } from '../hooks/usePurposeName';
import { useSubmit } from '../hooks/useSubmit';
import { useFormatDateTime, useT } from '../hooks/useT';
import { AnnulConsentModal } from './AnnulConsentModal';
import { ClientDsrRequests } from './ClientDsrRequests';
import { ClientRequests } from './ClientRequests';
import { DataRightsActions } from './DataRightsActions';
import { ErasedNotice, useErasure } from './ErasedNotice';
import { HistoryTimeline } from './HistoryTimeline';
import { PendingConfirmations } from './PendingConfirmations';
import { RegisterConsentModal } from './RegisterConsentModal';

const RECENT = 5;

const ConsentPanelContent = ({
  subject,
  name,
  language,
}: {
  subject: string;
  name: string | null;
  language: string | null;
}) => {
  const t = useT();
  const purposeName = usePurposeName();
  const formatDateTime = useFormatDateTime();
  const { canRecord, canRequest, canExport, canErase } = useConsentRBAC();
  const { data: consent } = useGetClientConsentQuery(subject);
  const recent = useGetClientEventsQuery({ documentId: subject, pageSize: RECENT });
  const events = recent.isError ? [] : (recent.data?.events ?? null);
  const total = recent.data?.total ?? 0;
  const [modal, setModal] = useState<'register' | 'annul' | 'history' | null>(null);
  const all = useGetClientEventsQuery(
    { documentId: subject, pageSize: 100 },
    { skip: modal !== 'history' }
  );
  const allEvents = all.isError ? [] : (all.data?.events ?? null);
  const erasure = useErasure(subject);
  const [createRequest] = useCreateClientRequestMutation();
  const { busy: sending, submit } = useSubmit();

  const sendRequest = () =>
    submit(() => createRequest({ documentId: subject, body: {} }).unwrap(), {
      notify: () => t('panel.request.done'),
    });

  if (!consent) return <Typography textColor="neutral600">{t('common.loading')}</Typography>;
  // Annulling applies to consent the client gave; with none, the button would open an empty dialog.
  const annullable = consent.purposes.some((p) => p.decision?.decision === 'given');

  return (
    <Flex direction="column" alignItems="stretch" gap={3} width="100%" data-testid="consent-panel">
      {/* The overall status once: the badge says both whether it is valid and why not. */}
      <Flex gap={2} justifyContent="space-between" data-testid="consent-overall">
        <Typography variant="sigma" textColor="neutral600">
          {t('panel.overall')}
        </Typography>
        <Box shrink={0}>
          <StatusBadge status={consent.status} />
        </Box>
      </Flex>
      <Flex
        direction="column"
        alignItems="stretch"
        gap={2}
        tag="ul"
        aria-label={t('panel.purposes')}
      >
        {consent.purposes
          .filter((p) => p.requiresConsent)
          .map((p) => (
            <Flex key={p.purpose} tag="li" justifyContent="space-between" gap={2}>
              {/* The name wraps in the narrow panel; the badge keeps to one line. */}
              <Flex direction="column" alignItems="flex-start" shrink={1} minWidth={0}>
                <Typography variant="omega">{purposeName(p.purpose, p.name)}</Typography>
                {p.decision && (
                  <Typography variant="pi" textColor="neutral600">
                    {p.decision.version ? `v${p.decision.version} · ` : ''}
                    {formatDateTime(p.decision.decidedAt)}
                  </Typography>
                )}
              </Flex>
              <Box shrink={0}>
                <StatusBadge status={p.status} />
              </Box>
            </Flex>
          ))}
      </Flex>
      <PendingConfirmations pending={consent.pending ?? []} purposes={consent.purposes} />
      <ClientRequests subject={subject} />
      <ClientDsrRequests subject={subject} />
      {erasure && <ErasedNotice erasure={erasure} />}
      <Flex direction="column" alignItems="stretch" gap={2}>
        {canRecord && !erasure && (
          <Button fullWidth onClick={() => setModal('register')}>
            {t('panel.register')}
          </Button>
        )}
        {canRequest && !erasure && (
          <Button fullWidth variant="secondary" onClick={sendRequest} loading={sending}>
            {t('panel.request')}
          </Button>
        )}
        {canRecord && !erasure && annullable && (
          <Button fullWidth variant="danger-light" onClick={() => setModal('annul')}>
            {t('panel.annul')}
          </Button>
        )}
      </Flex>
      <Divider />
      <Typography variant="sigma" textColor="neutral600">
        {t('panel.history')}
      </Typography>
      {events && <HistoryTimeline events={events} />}
      <Flex gap={3} wrap="wrap">
        {total > RECENT && (
          <TextButton onClick={() => setModal('history')}>
            {t('panel.history.all', { count: total })}
          </TextButton>
        )}
      </Flex>
      {(canExport || canErase) && <Divider />}
      <DataRightsActions
        subject={subject}
        name={name}
        erased={Boolean(erasure)}
        onErased={() => {
          // The Content Manager's form still holds the erased values: saving it would write
          // them back. A reload reads the anonymised client from the server.
          window.setTimeout(() => window.location.reload(), 1500);
        }}
      />

      {modal === 'register' && (
        <RegisterConsentModal
          subject={subject}
          language={language}
          onClose={() => setModal(null)}
          onRecorded={() => setModal(null)}
        />
      )}
      {modal === 'annul' && (
        <AnnulConsentModal
          subject={subject}
          purposes={consent.purposes}
          onClose={() => setModal(null)}
          onDone={() => setModal(null)}
        />
      )}
      {modal === 'history' && (
        <Modal.Root open onOpenChange={(open: boolean) => !open && setModal(null)}>
          <Modal.Content>
            <Modal.Header>
              <Modal.Title>{t('panel.history')}</Modal.Title>
            </Modal.Header>
            <Modal.Body>
              <Box>
                {allEvents ? (
                  <HistoryTimeline events={allEvents} />
                ) : (
                  <Typography>{t('common.loading')}</Typography>
                )}
              </Box>
            </Modal.Body>
          </Modal.Content>
        </Modal.Root>
      )}
    </Flex>
  );
};

interface EditViewProps {
  model: string;
  documentId?: string;
  collectionType: string;
  document?: Record<string, unknown> | null;
}

/** Edit-view side panel on the configured client type: consent per purpose, history and actions. */
export const ConsentPanel = ({ model, documentId, document }: EditViewProps) => {
  const t = useT();
  const config = useConsentConfig();
  const { canRead, isLoading } = useConsentRBAC();
  if (isLoading || !canRead || !config || model !== config.subject.uid || !documentId) return null;
  const nameField = config.subject.name;
  const name =
    nameField && typeof document?.[nameField] === 'string' ? (document[nameField] as string) : null;
  const languageField = config.subject.language;
  const language =
    languageField && typeof document?.[languageField] === 'string'
      ? (document[languageField] as string)
      : null;
  return {
    title: t('panel.title'),
    content: <ConsentPanelContent subject={documentId} name={name} language={language} />,
  };
};
