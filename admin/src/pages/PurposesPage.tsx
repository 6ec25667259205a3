import { Badge, Box, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { getTranslation } from '../pluginId';

interface Purpose {
  id: number;
  key: string;
  name: string;
  legalBasis: string;
  specialCategory: boolean;
  required: boolean;
  active: boolean;
  currentMajor: number | null;
  currentMinor: number | null;
}

/** Purposes with their legal basis, flags and current text version. */
export const PurposesPage = () => {
  const { formatMessage } = useIntl();
  const { get } = useFetchClient();
  const [purposes, setPurposes] = useState<Purpose[] | null>(null);
  const [failed, setFailed] = useState(false);
  const t = (id: string, defaultMessage: string) => formatMessage({ id: getTranslation(id), defaultMessage });

  useEffect(() => {
    get<{ data: Purpose[] }>('/consent/purposes')
      .then(({ data }) => setPurposes(data.data))
      .catch(() => setFailed(true));
  }, [get]);

  if (failed) return <Page.Error />;
  if (!purposes) return <Page.Loading />;

  return (
    <Layouts.Root>
      <Page.Title>{t('plugin.name', 'Consent')}</Page.Title>
      <Layouts.Header
        title={t('purposes.title', 'Consent purposes')}
        subtitle={t('purposes.subtitle', 'Why client data is processed, on which legal basis, and the text in force')}
      />
      <Layouts.Content>
        <Box background="neutral0" shadow="filterShadow" hasRadius>
          <Table colCount={5} rowCount={purposes.length + 1}>
            <Thead>
              <Tr>
                <Th><Typography variant="sigma">{t('purposes.name', 'Purpose')}</Typography></Th>
                <Th><Typography variant="sigma">{t('purposes.legalBasis', 'Legal basis')}</Typography></Th>
                <Th><Typography variant="sigma">{t('purposes.required', 'Required')}</Typography></Th>
                <Th><Typography variant="sigma">{t('purposes.special', 'Special category')}</Typography></Th>
                <Th><Typography variant="sigma">{t('purposes.version', 'Current version')}</Typography></Th>
              </Tr>
            </Thead>
            <Tbody>
              {purposes.map((purpose) => (
                <Tr key={purpose.id}>
                  <Td>
                    <Typography fontWeight="bold">{purpose.name}</Typography>
                    <Typography textColor="neutral600"> ({purpose.key})</Typography>
                  </Td>
                  <Td>
                    <Typography>{t(`legalBasis.${purpose.legalBasis}`, purpose.legalBasis)}</Typography>
                  </Td>
                  <Td>{purpose.required ? <Badge active>{t('common.yes', 'Yes')}</Badge> : <Badge>{t('common.no', 'No')}</Badge>}</Td>
                  <Td>{purpose.specialCategory ? <Badge active>{t('common.yes', 'Yes')}</Badge> : <Badge>{t('common.no', 'No')}</Badge>}</Td>
                  <Td>
                    <Typography>
                      {purpose.currentMajor !== null ? `${purpose.currentMajor}.${purpose.currentMinor ?? 0}` : t('purposes.noText', 'No text published')}
                    </Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </Box>
      </Layouts.Content>
    </Layouts.Root>
  );
};
