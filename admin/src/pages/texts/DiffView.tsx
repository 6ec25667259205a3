import { Box, Flex, Typography } from '@strapi/design-system';
import type { VersionPreview } from '../../api';
import { useT } from '../../hooks/useT';

const PREFIX = { same: ' ', add: '+', remove: '−' } as const;
const BACKGROUND = { same: undefined, add: 'success100', remove: 'danger100' } as const;

/** The line diff of each locale's body against the current version. */
export const DiffView = ({ diff }: { diff: VersionPreview['diff'] }) => {
  const t = useT();
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      {diff.map((entry) => {
        const changed =
          entry.lines.some((l) => l.op !== 'same') || entry.title.from !== entry.title.to;
        return (
          <Box key={entry.locale} borderColor="neutral200" hasRadius padding={3}>
            <Typography variant="sigma" textColor="neutral600">
              {t('locale.name', { locale: entry.locale.toUpperCase() })} ·{' '}
              {changed ? t('diff.changed') : t('diff.unchanged')}
            </Typography>
            {entry.title.from !== entry.title.to && (
              <Box paddingTop={2}>
                {entry.title.from !== null && (
                  <Box background="danger100" paddingLeft={2}>
                    <Typography fontWeight="bold">− {entry.title.from}</Typography>
                  </Box>
                )}
                <Box background="success100" paddingLeft={2}>
                  <Typography fontWeight="bold">+ {entry.title.to}</Typography>
                </Box>
              </Box>
            )}
            <Box
              paddingTop={2}
              tag="pre"
              style={{ whiteSpace: 'pre-wrap', fontFamily: 'monospace', margin: 0 }}
            >
              {entry.lines.map((line, i) => (
                <Box key={i} background={BACKGROUND[line.op]} paddingLeft={2} data-diff={line.op}>
                  <Typography
                    variant="pi"
                    textColor={line.op === 'same' ? 'neutral600' : 'neutral800'}
                  >
                    {PREFIX[line.op]} {line.text}
                  </Typography>
                </Box>
              ))}
            </Box>
          </Box>
        );
      })}
    </Flex>
  );
};
