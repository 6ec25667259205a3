import { Box, Flex, Typography } from '@strapi/design-system';

/** A white card with a heading, as the other plugin pages draw their sections. */
export const Card = ({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: React.ReactNode;
  children: React.ReactNode;
}) => (
  <Box
    background="neutral0"
    hasRadius
    shadow="tableShadow"
    padding={6}
    tag="section"
    aria-label={title}
  >
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Flex justifyContent="space-between" gap={2}>
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
        {actions}
      </Flex>
      {children}
    </Flex>
  </Box>
);

/** A progress bar that reads on a white card (the design system's ProgressBar is drawn for dark overlays). */
export const ProgressLine = ({
  label,
  percent,
  paused,
}: {
  label: string;
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
      {label}
    </Typography>
  </Flex>
);
