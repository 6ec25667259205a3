import { SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { CLIENT_FILTERS, type ClientFilter } from '../api';
import { useT, type TranslationKey } from '../hooks/useT';

/** All / valid consent / no valid consent, then the finer states. */
export const ClientFilterSelect = ({ value, onChange }: { value: ClientFilter; onChange: (value: ClientFilter) => void }) => {
  const t = useT();
  return (
    <SingleSelect
      aria-label={t('clients.filter.label')}
      placeholder={t('clients.filter.label')}
      value={value}
      onChange={(next: string | number) => onChange(String(next) as ClientFilter)}
    >
      {CLIENT_FILTERS.map((filter) => (
        <SingleSelectOption key={filter} value={filter}>
          {t(`filter.${filter}` as TranslationKey)}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  );
};
