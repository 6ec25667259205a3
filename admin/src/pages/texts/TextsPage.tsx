import { Accordion, Badge, Box, Button, Flex, Typography } from '@strapi/design-system';
import { Pencil, Plus } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { PageHeader } from '../../components/PageHeader';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import {
  localisedPurpose,
  useGetConsentPurposesQuery,
  useGetConsentVersionsQuery,
  type Purpose,
  type TextVersion,
} from '../../api';
import { CardFrame } from '../../components/Card';
import { LocaleTabs } from '../../components/Fields';
import { EditPurposeModal } from './EditPurposeModal';
import { NewPurposeModal } from './NewPurposeModal';
import { NewVersionModal } from './NewVersionModal';
import { useConsentConfig } from '../../hooks/useConsentConfig';
import { useConsentRBAC } from '../../hooks/useConsentRBAC';
import { useFormatDateTime, useT, type TranslationKey } from '../../hooks/useT';

const Flag = ({ on, label }: { on: boolean; label: string }) =>
  on ? (
    <Badge backgroundColor="primary100" textColor="primary700">
      {label}
    </Badge>
  ) : null;

const VersionBodies = ({ version }: { version: TextVersion }) => {
  const t = useT();
  return (
    <LocaleTabs
      locales={Object.keys(version.bodies)}
      defaultValue={version.defaultLocale}
      label={t('texts.translations')}
      variant="simple"
    >
      {(locale) => (
        <Box padding={4}>
          <Typography variant="delta" tag="h4">
            {version.bodies[locale].title}
          </Typography>
          <Box paddingTop={2}>
            <Typography style={{ whiteSpace: 'pre-wrap' }}>
              {version.bodies[locale].text}
            </Typography>
          </Box>
          {version.bodies[locale].sha256 && (
            <Box paddingTop={2}>
              <Typography variant="pi" textColor="neutral500">
                SHA-256 {version.bodies[locale].sha256}
              </Typography>
            </Box>
          )}
        </Box>
      )}
    </LocaleTabs>
  );
};

/** One purpose: its flags, its versions (newest first) and the "New version" action. */
const PurposeCard = ({
  purpose,
  locales,
  defaultLocale,
  canManage,
}: {
  purpose: Purpose;
  locales: string[] | null;
  defaultLocale: string;
  canManage: boolean;
}) => {
  const t = useT();
  const formatDateTime = useFormatDateTime();
  const { data, isError } = useGetConsentVersionsQuery(purpose.key);
  const versions = isError ? [] : (data ?? null);
  const [editing, setEditing] = useState(false);
  const [editingPurpose, setEditingPurpose] = useState(false);
  // The name and description in the admin's language (the purpose's translation there).
  const { locale } = useIntl();
  const named = localisedPurpose(purpose, locale);

  const current = versions?.[0] ?? null;
  const editorLocales = locales ?? (current ? Object.keys(current.bodies) : [defaultLocale]);

  return (
    <CardFrame label={named.name}>
      <Flex justifyContent="space-between" alignItems="flex-start">
        <Flex direction="column" alignItems="flex-start" gap={2}>
          <Typography variant="delta" tag="h2">
            {named.name} <Typography textColor="neutral600">({purpose.key})</Typography>
          </Typography>
          <Flex gap={2} wrap="wrap">
            <Badge>{t(`legalBasis.${purpose.legalBasis}` as TranslationKey)}</Badge>
            <Flag on={purpose.required} label={t('purposes.required')} />
            <Flag
              on={purpose.specialCategory}
              label={
                purpose.specialCategoryKind
                  ? `${t('purposes.special')}: ${t(`specialCategory.${purpose.specialCategoryKind}` as TranslationKey)}`
                  : t('purposes.special')
              }
            />
            <Flag on={purpose.marketing} label={t('purposes.marketing')} />
            <Flag on={purpose.doubleOptIn} label={t('purposes.doubleOptIn')} />
            {!purpose.active && <Badge>{t('purposes.inactive')}</Badge>}
          </Flex>
          {named.description && <Typography textColor="neutral600">{named.description}</Typography>}
          <Typography variant="pi" textColor="neutral600">
            {purpose.currentMajor !== null
              ? t('texts.currentVersion', {
                  version: `${purpose.currentMajor}.${purpose.currentMinor ?? 0}`,
                })
              : t('purposes.noText')}
          </Typography>
        </Flex>
        {canManage && (
          <Flex gap={2}>
            <Button
              variant="tertiary"
              startIcon={<Pencil />}
              onClick={() => setEditingPurpose(true)}
              aria-label={t('purpose.edit.aria', { purpose: named.name })}
            >
              {t('purpose.edit')}
            </Button>
            <Button
              variant="secondary"
              startIcon={<Plus />}
              onClick={() => setEditing(true)}
              disabled={!versions}
              aria-label={t('texts.newVersion.aria', { purpose: named.name })}
            >
              {t('texts.newVersion')}
            </Button>
          </Flex>
        )}
      </Flex>
      {versions && versions.length > 0 && (
        <Box paddingTop={4}>
          <Accordion.Root>
            {versions.map((version) => (
              <Accordion.Item key={version.documentId} value={version.documentId}>
                <Accordion.Header>
                  <Accordion.Trigger
                    description={`${t(`changeKind.${version.changeKind}` as TranslationKey)} · ${formatDateTime(version.releasedAt)}${
                      version.releasedByName ? ` · ${version.releasedByName}` : ''
                    }${version.summary ? ` · ${version.summary}` : ''}`}
                  >
                    {t('texts.version', { version: version.version })}
                  </Accordion.Trigger>
                </Accordion.Header>
                <Accordion.Content>
                  <VersionBodies version={version} />
                </Accordion.Content>
              </Accordion.Item>
            ))}
          </Accordion.Root>
        </Box>
      )}
      {editing && (
        <NewVersionModal
          purpose={purpose}
          current={current}
          locales={editorLocales}
          defaultLocale={current?.defaultLocale ?? defaultLocale}
          onClose={() => setEditing(false)}
          onPublished={() => setEditing(false)}
        />
      )}
      {editingPurpose && (
        <EditPurposeModal
          purpose={purpose}
          locales={editorLocales}
          defaultLocale={defaultLocale}
          onClose={() => setEditingPurpose(false)}
        />
      )}
    </CardFrame>
  );
};

/** Purposes and the versions of their texts; new versions and purposes for editors. */
const TextsPage = () => {
  const t = useT();
  const config = useConsentConfig();
  const { canManageTexts } = useConsentRBAC();
  const { data: purposes, isError } = useGetConsentPurposesQuery();
  const [creating, setCreating] = useState(false);

  if (isError) return <Page.Error />;
  if (!purposes) return <Page.Loading />;

  return (
    <>
      <PageHeader
        title={t('texts.title')}
        subtitle={t('texts.subtitle')}
        action={
          canManageTexts ? (
            <Button startIcon={<Plus />} onClick={() => setCreating(true)}>
              {t('purpose.new')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {purposes.length === 0 && (
            <Typography textColor="neutral600">{t('texts.empty')}</Typography>
          )}
          {purposes.map((purpose) => (
            <PurposeCard
              key={purpose.key}
              purpose={purpose}
              locales={config?.locales ?? null}
              defaultLocale={config?.defaultLocale ?? 'en'}
              canManage={canManageTexts}
            />
          ))}
        </Flex>
      </Layouts.Content>
      {creating && (
        <NewPurposeModal onClose={() => setCreating(false)} onCreated={() => setCreating(false)} />
      )}
    </>
  );
};

export default TextsPage;
