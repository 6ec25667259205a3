import {
  Box,
  Field,
  Flex,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  Tabs,
  TextInput,
  Textarea,
  Toggle,
  Typography,
} from '@strapi/design-system';
import { useT } from '../hooks/useT';

/**
 * A labelled field: Field.Hint and Field.Error draw nothing without a hint or an error,
 * so every field carries both and a form only says which it has.
 */
interface Labelled {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
}

const Frame = ({
  name,
  label,
  hint,
  error,
  required,
  children,
}: Labelled & { children: React.ReactNode }) => (
  <Field.Root name={name} required={required} error={error} hint={hint}>
    <Field.Label>{label}</Field.Label>
    {children}
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

/** A text input's change, handed on as its text. */
const onText =
  (onChange: (value: string) => void) =>
  (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    onChange(e.target.value);

type TextProps = Labelled & { value: string; onChange: (value: string) => void };

export const TextField = ({
  value,
  onChange,
  type,
  autoComplete,
  ...field
}: TextProps & { type?: string; autoComplete?: string }) => (
  <Frame {...field}>
    <TextInput type={type} autoComplete={autoComplete} value={value} onChange={onText(onChange)} />
  </Frame>
);

export const TextareaField = ({ value, onChange, ...field }: TextProps) => (
  <Frame {...field}>
    <Textarea value={value} onChange={onText(onChange)} />
  </Frame>
);

export const NumberField = ({
  value,
  onChange,
  ...field
}: Labelled & { value: number; onChange: (value: number | undefined) => void }) => (
  <Frame {...field}>
    <NumberInput value={value} onValueChange={onChange} />
  </Frame>
);

export const ToggleField = ({
  checked,
  onToggle,
  ...field
}: Labelled & { checked: boolean; onToggle: () => void }) => {
  const t = useT();
  return (
    <Frame {...field}>
      <Toggle
        onLabel={t('common.on')}
        offLabel={t('common.off')}
        checked={checked}
        onChange={onToggle}
      />
    </Frame>
  );
};

interface SelectProps {
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}

/** A select of labelled options; named by its field, or by an aria-label where it stands alone. */
export const Select = ({ value, options, onChange, label }: SelectProps & { label?: string }) => (
  <SingleSelect
    aria-label={label}
    value={value}
    onChange={(v: string | number) => onChange(String(v))}
  >
    {options.map((option) => (
      <SingleSelectOption key={option.value} value={option.value}>
        {option.label}
      </SingleSelectOption>
    ))}
  </SingleSelect>
);

export const SelectField = ({ value, options, onChange, ...field }: Labelled & SelectProps) => (
  <Frame {...field}>
    <Select value={value} options={options} onChange={onChange} />
  </Frame>
);

/** One tab a locale, named by its code in capitals. */
export const LocaleTabs = ({
  locales,
  defaultValue,
  label,
  variant,
  children,
}: {
  locales: string[];
  defaultValue: string | undefined;
  label: string;
  variant?: 'simple';
  children: (locale: string) => React.ReactNode;
}) => (
  <Tabs.Root defaultValue={defaultValue} variant={variant}>
    <Tabs.List aria-label={label}>
      {locales.map((locale) => (
        <Tabs.Trigger key={locale} value={locale}>
          {locale.toUpperCase()}
        </Tabs.Trigger>
      ))}
    </Tabs.List>
    {locales.map((locale) => (
      <Tabs.Content key={locale} value={locale}>
        {children(locale)}
      </Tabs.Content>
    ))}
  </Tabs.Root>
);

/** A framed group of fields under a legend: one template, one locale's text. */
export const Fieldset = ({ legend, children }: { legend: string; children: React.ReactNode }) => (
  <Box tag="fieldset" borderColor="neutral200" hasRadius padding={4}>
    <Typography variant="sigma" tag="legend" textColor="neutral600">
      {legend}
    </Typography>
    <Flex direction="column" alignItems="stretch" gap={3} paddingTop={2}>
      {children}
    </Flex>
  </Box>
);
