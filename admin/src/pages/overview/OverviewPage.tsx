import {
  Alert,
  Box,
  Flex,
  Grid,
  Link,
  SingleSelect,
  SingleSelectOption,
  Typography,
} from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { PageHeader } from '../../components/PageHeader';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useGetConsentOverviewQuery, useGetConsentPurposesQuery, type Overview } from '../../api';
import { CampaignProgress } from '../../components/CampaignProgress';
import { RequestStatusBadge } from '../../components/StatusBadge';
import { TrendChart } from './TrendChart';
import { useConsentRBAC } from '../../hooks/useConsentRBAC';
import { useT, type TranslationKey } from '../../hooks/useT';

const CARDS: { key: keyof Overview['counts']; label: TranslationKey; color: string }[] = [
  { key: 'total', label: 'overview.count.total', color: 'neutral800' },
  { key: 'valid', label: 'filter.valid', color: 'success600' },
  { key: 'invalid', label: 'filter.invalid', color: 'danger600' },
  { key: 'outdated', label: 'state.outdated', color: 'warning600' },
  { key: 'pending', label: 'state.pending', color: 'primary600' },
  { key: 'refused', label: 'state.refused', color: 'danger600' },
  { key: 'withdrawn', label: 'state.withdrawn', color: 'danger600' },
  { key: 'missing', label: 'state.missing', color: 'neutral600' },
];

const DAYS = [7, 30, 90, 365];

/** Counts of clients per consent state, the trend of decisions, and running campaigns. */
const OverviewPage = () => {
  const t = useT();
  const { canDsrRead } = useConsentRBAC();
  const [days, setDays] = useState(30);
  // Wide enough for the longest period label in this language (Danish and Swedish are long),
  // plus the select's padding and arrow: the chosen one is never cut off.
  const longestPeriod = Math.max(...DAYS.map((d) => t('overview.trend.days', { days: d }).length));
  const periodWidth = `calc(${longestPeriod}ch + 7rem)`;
  const { data: overview, isError: failed } = useGetConsentOverviewQuery(days);
  // The module cannot be used until a consent text is published: point to the activation wizard.
  const { data: purposes } = useGetConsentPurposesQuery();
  const inactive = purposes ? !purposes.some((p) => p.currentMajor !== null) : false;
  const [inactiveClosed, setInactiveClosed] = useState(false);

  if (failed) return <Page.Error />;
  if (!overview) return <Page.Loading />;

  const active = overview.campaigns.filter((c) => c.status === 'running' || c.status === 'paused');

  return (
    <>
      <PageHeader title={t('overview.title')} subtitle={t('overview.subtitle')} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {inactive && !inactiveClosed && (
            <Alert
              variant="warning"
              closeLabel={t('common.close')}
              onClose={() => setInactiveClosed(true)}
              title={t('overview.inactive.title')}
              action={
                <Link tag={RouterLink} to="/settings/consent">
                  {t('overview.inactive.action')}
                </Link>
              }
            >
              {t('wizard.subtitle')}
            </Alert>
          )}
          <Grid.Root gap={4} tag="section" aria-label={t('overview.counts')}>
            {CARDS.map((card) => {
              const value = overview.counts[card.key] ?? 0;
              const filter = card.key === 'total' ? 'all' : card.key;
              return (
                <Grid.Item key={card.key} col={3} s={6} xs={12}>
                  <Box
                    tag={RouterLink}
                    to={`clients?state=${filter}`}
                    background="neutral0"
                    hasRadius
                    shadow="tableShadow"
                    padding={5}
                    width="100%"
                    style={{ textDecoration: 'none' }}
                    aria-label={`${t(card.label)}: ${value}`}
                    data-testid={`overview-count-${card.key}`}
                  >
                    <Flex direction="column" alignItems="flex-start" gap={1}>
                      <Typography variant="sigma" textColor="neutral600">
                        {t(card.label)}
                      </Typography>
                      <Typography
                        variant="alpha"
                        textColor={card.color}
                        data-testid={`overview-count-${card.key}-value`}
                      >
                        {value.toLocaleString()}
                      </Typography>
                    </Flex>
                  </Box>
                </Grid.Item>
              );
            })}
          </Grid.Root>

          <Box background="neutral0" hasRadius shadow="tableShadow" padding={6}>
            <Flex justifyContent="space-between" alignItems="center" paddingBottom={4}>
              <Typography variant="delta" tag="h2">
                {t('overview.trend.title')}
              </Typography>
              <Box minWidth={periodWidth} shrink={0}>
                <SingleSelect
                  aria-label={t('overview.trend.period')}
                  value={String(days)}
                  onChange={(value: string | number) => setDays(Number(value))}
                >
                  {DAYS.map((d) => (
                    <SingleSelectOption key={d} value={String(d)}>
                      {t('overview.trend.days', { days: d })}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Box>
            </Flex>
            <TrendChart points={overview.trend} />
          </Box>

          <Box background="neutral0" hasRadius shadow="tableShadow" padding={6}>
            <Typography variant="delta" tag="h2">
              {t('overview.campaigns.title')}
            </Typography>
            <Flex direction="column" alignItems="stretch" gap={4} paddingTop={4}>
              {active.length === 0 && (
                <Typography textColor="neutral600">{t('overview.campaigns.none')}</Typography>
              )}
              {active.map((campaign) => (
                <Flex key={campaign.documentId} direction="column" alignItems="stretch" gap={2}>
                  <Flex gap={2}>
                    <Typography fontWeight="bold">{campaign.name}</Typography>
                    <RequestStatusBadge status={campaign.status} />
                  </Flex>
                  <CampaignProgress campaign={campaign} />
                </Flex>
              ))}
            </Flex>
          </Box>

          <Box
            background="neutral0"
            hasRadius
            shadow="tableShadow"
            padding={6}
            data-testid="overview-dsr"
          >
            <Typography variant="delta" tag="h2">
              {t('overview.dsr.title')}
            </Typography>
            <Flex gap={6} paddingTop={4} wrap="wrap">
              {(['open', 'dueSoon', 'overdue'] as const).map((key) => (
                <Flex key={key} direction="column" alignItems="flex-start" gap={1}>
                  <Typography variant="sigma" textColor="neutral600">
                    {t(`overview.dsr.${key}`)}
                  </Typography>
                  <Typography
                    variant="alpha"
                    tag="p"
                    textColor={
                      key === 'overdue' && overview.dsr.overdue > 0 ? 'danger600' : 'neutral800'
                    }
                    data-testid={`overview-dsr-${key}`}
                  >
                    {overview.dsr[key].toLocaleString()}
                  </Typography>
                </Flex>
              ))}
            </Flex>
            {canDsrRead && (
              <Box paddingTop={4}>
                <Link tag={RouterLink} to="dsr">
                  {t('overview.dsr.open.link')}
                </Link>
              </Box>
            )}
          </Box>
        </Flex>
      </Layouts.Content>
    </>
  );
};

export default OverviewPage;
