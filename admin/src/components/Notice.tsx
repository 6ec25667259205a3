import { Box, Flex, Typography } from '@strapi/design-system';
import { CheckCircle, WarningCircle } from '@strapi/icons';

/**
 * A coloured status box: an icon and a bold line, the details under them. Success for a
 * check that passed; danger for one that failed, or a client that is gone.
 */
export const Notice = ({
  tone,
  title,
  padding = 4,
  testId,
  children,
}: {
  tone: 'success' | 'danger';
  title: string;
  padding?: 3 | 4;
  testId: string;
  children: React.ReactNode;
}) => (
  <Box
    background={`${tone}100`}
    borderColor={`${tone}200`}
    hasRadius
    padding={padding}
    role="status"
    data-testid={testId}
  >
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Flex gap={2}>
        {tone === 'success' ? (
          <CheckCircle fill="success600" />
        ) : (
          <WarningCircle fill="danger600" />
        )}
        <Typography fontWeight="bold" textColor={`${tone}700`}>
          {title}
        </Typography>
      </Flex>
      {children}
    </Flex>
  </Box>
);
