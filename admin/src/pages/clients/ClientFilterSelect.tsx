import { SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { CLIENT_STATES, type ClientState } from '../../api';
import { useT, type TranslationKey } from '../../hooks/useT';

/** All / valid consent / no valid consent, then the finer states. */
export const ClientFilterSelect = ({
  value,
  onChange,
}: {
  value: ClientState;
  onChange: (value: ClientState) => void;
}) => {
  const t = useT();
  return (
    <SingleSelect
      aria-label={t('clients.filter.label')}
      placeholder={t('clients.filter.label')}
      value={value}
      onChange={(next: string | number) => onChange(String(next) as ClientState)}
    >
      {CLIENT_STATES.map((filter) => (
        <SingleSelectOption key={filter} value={filter}>
          {t(`filter.${filter}` as TranslationKey)}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  );
};
