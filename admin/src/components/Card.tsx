import { Box, Flex, Typography } from '@strapi/design-system';

/** The white, labelled box the plugin's pages draw each section in. */
export const CardFrame = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Box
    background="neutral0"
    hasRadius
    shadow="tableShadow"
    padding={6}
    tag="section"
    aria-label={label}
  >
    {children}
  </Box>
);

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
  <CardFrame label={title}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Flex justifyContent="space-between" gap={2}>
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
        {actions}
      </Flex>
      {children}
    </Flex>
  </CardFrame>
);
