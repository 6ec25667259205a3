import { Box, Flex, Typography } from '@strapi/design-system';
import { REQUEST_STATUSES, type Campaign } from '../api';
import { useT } from '../hooks/useT';

/** Every status but `queued`: the request left the queue. */
const DONE = REQUEST_STATUSES.filter((status) => status !== 'queued');

/** How far a campaign got: requests that left the queue, of its total. */
export const campaignProgress = (campaign: Campaign) => {
  const done = DONE.reduce((sum, status) => sum + (campaign.counts?.[status] ?? 0), 0);
  const total = Math.max(campaign.total ?? 0, 0);
  return {
    done,
    total,
    percent: total === 0 ? 100 : Math.min(100, Math.round((done / total) * 100)),
  };
};

export const CampaignProgress = ({ campaign }: { campaign: Campaign }) => {
  const t = useT();
  const { done, total, percent } = campaignProgress(campaign);
  const label = t('campaigns.progress', { done, total });
  return (
    <Flex direction="column" alignItems="stretch" gap={1}>
      {/* The design system's ProgressBar is drawn for dark overlays (white on grey); this one reads on a white card. */}
      <Box
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label={`${campaign.name}: ${label}`}
        background="neutral150"
        hasRadius
        height="0.8rem"
        width="100%"
        overflow="hidden"
      >
        <Box
          background={campaign.status === 'paused' ? 'warning500' : 'primary600'}
          height="100%"
          style={{ width: `${percent}%` }}
        />
      </Box>
      <Typography variant="pi" textColor="neutral600">
        {label} · {t('campaigns.approved', { count: campaign.counts?.approved ?? 0 })}
      </Typography>
    </Flex>
  );
};
