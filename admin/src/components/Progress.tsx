import { Box, Flex, Typography } from '@strapi/design-system';
import { useFormatDateTime } from '../hooks/useT';

/**
 * A progress bar that reads on a white card (the design system's ProgressBar is drawn for
 * dark overlays). `label` names the bar; `caption`, shown under it, defaults to the label.
 */
export const ProgressLine = ({
  label,
  caption = label,
  percent,
  paused,
}: {
  label: string;
  caption?: string;
  percent: number;
  paused?: boolean;
}) => (
  <Flex direction="column" alignItems="stretch" gap={1}>
    <Box
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-label={label}
      background="neutral150"
      hasRadius
      height="0.8rem"
      width="100%"
      overflow="hidden"
    >
      <Box
        background={paused ? 'warning500' : 'primary600'}
        height="100%"
        style={{ width: `${percent}%` }}
      />
    </Box>
    <Typography variant="pi" textColor="neutral600">
      {caption}
    </Typography>
  </Flex>
);

/**
 * One background job in a list (a campaign, a retention run): its name and status, when it
 * was started and by whom, what can be done with it, and its progress.
 */
export const JobRow = ({
  testId,
  name,
  status,
  createdAt,
  createdBy,
  detail,
  actions,
  children,
}: {
  testId: string;
  name?: string;
  status: React.ReactNode;
  createdAt?: string | null;
  createdBy?: string | null;
  detail?: string;
  actions?: React.ReactNode;
  /** The progress line. */
  children: React.ReactNode;
}) => {
  const formatDateTime = useFormatDateTime();
  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid={testId}>
      <Flex justifyContent="space-between" gap={2}>
        <Flex gap={2}>
          {name && <Typography fontWeight="bold">{name}</Typography>}
          {status}
          <Typography variant="pi" textColor="neutral600">
            {formatDateTime(createdAt)}
            {createdBy ? ` · ${createdBy}` : ''}
            {detail ? ` · ${detail}` : ''}
          </Typography>
        </Flex>
        {actions}
      </Flex>
      {children}
    </Flex>
  );
};
