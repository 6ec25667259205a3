import { REQUEST_STATUSES, type Campaign } from '../api';
import { useT } from '../hooks/useT';
import { ProgressLine } from './Progress';

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
    <ProgressLine
      label={`${campaign.name}: ${label}`}
      caption={`${label} · ${t('campaigns.approved', { count: campaign.counts?.approved ?? 0 })}`}
      percent={percent}
      paused={campaign.status === 'paused'}
    />
  );
};
