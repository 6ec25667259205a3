import { Box, Flex, Typography } from '@strapi/design-system';
import {
  errorMessage,
  useEraseClientMutation,
  useGetErasurePreviewQuery,
  type ErasureCounts,
  type ErasureResult,
  type RelatedOutcome,
} from '../api';
import { EraseFields, ERASE_WORD, useEraseConfirmation } from '../components/EraseFields';
import { FormModal } from '../components/FormModal';
import { useFormAction } from '../hooks/useFormAction';
import { useT, type TranslationKey } from '../hooks/useT';

/** The last part of a content-type uid: api::booking.booking -> booking. */
const typeName = (uid: string) => uid.split('.').pop() ?? uid;

const FIXED = ['client', 'events', 'requests', 'requestsCancelled', 'tokens'];

/**
 * One line per kind of record: the client, each related type (with what happens to
 * it, when the answer says), consent events, requests and request links.
 */
export const ErasureCountList = ({
  counts,
  related,
}: {
  counts: ErasureCounts;
  related?: RelatedOutcome[];
}) => {
  const t = useT();
  const relatedLabel = (uid: string) => {
    const onErase = related?.find((r) => r.uid === uid)?.onErase;
    return onErase
      ? t(`erase.count.related.${onErase}` as TranslationKey, { type: typeName(uid) })
      : typeName(uid);
  };
  const rows: [string, string, number | undefined][] = [
    ['client', t('erase.count.client'), counts.client],
    ...Object.keys(counts)
      .filter((key) => !FIXED.includes(key))
      .map((uid): [string, string, number] => [uid, relatedLabel(uid), counts[uid]]),
    ['events', t('erase.count.events'), counts.events],
    ['requests', t('erase.count.requests'), counts.requests],
    ['tokens', t('erase.count.tokens'), counts.tokens],
  ];
  return (
    <Flex tag="ul" direction="column" alignItems="stretch" gap={1} aria-label={t('erase.counts')}>
      {rows
        .filter((row): row is [string, string, number] => typeof row[2] === 'number')
        .map(([key, label, value]) => (
          <Flex
            tag="li"
            key={key}
            justifyContent="space-between"
            gap={4}
            data-testid={`erase-count-${typeName(key)}`}
          >
            <Typography>{label}</Typography>
            <Typography fontWeight="bold">{value}</Typography>
          </Flex>
        ))}
    </Flex>
  );
};

/**
 * Erase a client (GDPR Art. 17): first a dry run shows what would be anonymised or
 * deleted, then the admin gives a reason and types the client's name (or ERASE)
 * before the real erasure can start. An erasure cannot be undone.
 */
export const EraseClientModal = ({
  subject,
  name,
  onClose,
  onErased,
}: {
  subject: string;
  name: string | null;
  onClose: () => void;
  onErased: (result: ErasureResult) => void;
}) => {
  const t = useT();
  const { data: preview, error } = useGetErasurePreviewQuery({
    documentId: subject,
    reason: t('erase.previewReason'),
  });
  const previewError = error ? (errorMessage(error) ?? t('error.generic')) : null;
  const [eraseClient] = useEraseClientMutation();
  const { showErrors, action } = useFormAction();
  const confirmWord = name?.trim() || ERASE_WORD;
  const confirmation = useEraseConfirmation(confirmWord);
  const erase = action(
    confirmation.ready,
    () =>
      eraseClient({ documentId: subject, body: { reason: confirmation.reason.trim() } }).unwrap(),
    { notify: () => t('erase.done'), then: onErased }
  );

  return (
    <FormModal
      {...erase}
      title={t('erase.title')}
      submitLabel={t('erase.submit')}
      onClose={onClose}
      disabled={!preview || !confirmation.ready}
      variant="danger"
      lockWhileBusy
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Typography>{t('erase.intro')}</Typography>
        <Box background="neutral100" hasRadius padding={4} data-testid="erase-preview">
          {previewError ? (
            <Typography textColor="danger600">{previewError}</Typography>
          ) : preview ? (
            <Flex direction="column" alignItems="stretch" gap={2}>
              <Typography variant="sigma" textColor="neutral600">
                {t('erase.preview')}
              </Typography>
              {preview.counts && (
                <ErasureCountList counts={preview.counts} related={preview.related} />
              )}
            </Flex>
          ) : (
            <Typography textColor="neutral600">{t('common.loading')}</Typography>
          )}
        </Box>
        <EraseFields
          confirmation={confirmation}
          reasonHint={t('erase.reason.hint')}
          showErrors={showErrors}
        />
      </Flex>
    </FormModal>
  );
};
