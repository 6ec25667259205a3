import { Field, Grid, TextInput, Textarea, Typography } from '@strapi/design-system';
import { CONTROLLER_FIELDS, type ControllerDetails } from '../../api';
import { useT, type TranslationKey } from '../../hooks/useT';

const WIDE: readonly string[] = ['address'];
const INPUT_TYPE: Partial<Record<(typeof CONTROLLER_FIELDS)[number], string>> = {
  email: 'email',
  privacyPolicyUrl: 'url',
  phone: 'tel',
};

/**
 * The data controller the consent receipts name (Kantara v1.1 piiControllers, ISO/IEC
 * TS 27560 dataController): settings.controller. An empty field is sent as null.
 */
export const ControllerSection = ({
  value,
  onChange,
}: {
  value: ControllerDetails;
  onChange: (value: ControllerDetails) => void;
}) => {
  const t = useT();
  const set = (key: keyof ControllerDetails, text: string) =>
    onChange({ ...value, [key]: text === '' ? null : text });
  return (
    <>
      <Typography variant="pi" textColor="neutral600">
        {t('settings.controller.hint')}
      </Typography>
      <Grid.Root gap={4}>
        {CONTROLLER_FIELDS.map((key) => (
          <Grid.Item
            key={key}
            col={WIDE.includes(key) ? 12 : 6}
            xs={12}
            direction="column"
            alignItems="stretch"
          >
            <Field.Root name={`controller-${key}`} required={key === 'name'}>
              <Field.Label>{t(`settings.controller.${key}` as TranslationKey)}</Field.Label>
              {WIDE.includes(key) ? (
                <Textarea
                  value={value[key] ?? ''}
                  onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set(key, e.target.value)}
                />
              ) : (
                <TextInput
                  type={INPUT_TYPE[key] ?? 'text'}
                  value={value[key] ?? ''}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(key, e.target.value)}
                />
              )}
            </Field.Root>
          </Grid.Item>
        ))}
      </Grid.Root>
    </>
  );
};
