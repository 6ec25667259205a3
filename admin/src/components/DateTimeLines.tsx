import { Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

/** A moment in the admin's locale as two lines, the date over the time: for narrow table columns. */
export const DateTimeLines = ({ value }: { value: string | null | undefined }) => {
  const { formatDate, formatTime } = useIntl();
  if (!value) return <Typography textColor="neutral600">–</Typography>;
  const date = new Date(value);
  return (
    <Flex direction="column" alignItems="flex-start">
      <Typography>{formatDate(date, { dateStyle: 'medium' })}</Typography>
      <Typography variant="pi" textColor="neutral600">
        {formatTime(date, { timeStyle: 'short' })}
      </Typography>
    </Flex>
  );
};
