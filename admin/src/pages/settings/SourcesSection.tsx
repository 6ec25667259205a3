import { Box, Button, Flex, IconButton, Typography } from '@strapi/design-system';
import { ArrowDown, ArrowUp, Plus, Trash } from '@strapi/icons';
import type { ConsentSource } from '../../api';
import { TextField } from '../../components/Fields';
import { useT } from '../../hooks/useT';

/** A new source's key from its label: lower case, `_` between words, at most 64 characters. */
export const keyOf = (label: string) =>
  label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);

/**
 * Settings > Sources: the collection points staff pick from when they register a consent,
 * in order. A saved key is fixed (events store it); its labels can change. Removing a
 * source only takes it off the list: the events recorded with it keep their source.
 */
export const SourcesSection = ({
  value,
  saved,
  locales,
  onChange,
}: {
  value: ConsentSource[];
  /** The keys already stored: events may hold them, so they are not edited. */
  saved: ReadonlySet<string>;
  /** A label field per locale (an empty one falls back to the label). */
  locales: string[];
  onChange: (value: ConsentSource[]) => void;
}) => {
  const t = useT();
  const set = (i: number, source: ConsentSource) =>
    onChange(value.map((s, j) => (j === i ? source : s)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...value];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    onChange(next);
  };
  const setLabel = (i: number, source: ConsentSource, label: string) =>
    set(i, {
      ...source,
      label,
      // A new source's key follows its label until it is edited by hand.
      ...(!saved.has(source.key) && source.key === keyOf(source.label)
        ? { key: keyOf(label) }
        : {}),
    });
  const setLocaleLabel = (i: number, source: ConsentSource, locale: string, text: string) => {
    const labels = { ...source.labels, [locale]: text };
    if (text.trim() === '') delete labels[locale];
    const { labels: _old, ...rest } = source;
    set(i, Object.keys(labels).length > 0 ? { ...rest, labels } : rest);
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="pi" textColor="neutral600">
        {t('settings.sources.hint')}
      </Typography>
      <Flex direction="column" alignItems="stretch" gap={3} tag="ol">
        {value.map((source, i) => (
          <Box
            key={i}
            tag="li"
            borderColor="neutral200"
            hasRadius
            padding={3}
            data-testid="consent-source"
          >
            <Flex gap={3} alignItems="flex-end" wrap="wrap">
              <Box width="14rem">
                <TextField
                  name={`source-${i}-label`}
                  label={t('settings.sources.label')}
                  required
                  value={source.label}
                  onChange={(text) => setLabel(i, source, text)}
                />
              </Box>
              {locales.map((locale) => (
                <Box key={locale} width="11rem">
                  <TextField
                    name={`source-${i}-label-${locale}`}
                    label={t('settings.sources.labelIn', { locale: locale.toUpperCase() })}
                    value={source.labels?.[locale] ?? ''}
                    onChange={(text) => setLocaleLabel(i, source, locale, text)}
                  />
                </Box>
              ))}
              <Box width="12rem">
                {saved.has(source.key) ? (
                  <Flex direction="column" alignItems="flex-start" gap={1} paddingBottom={2}>
                    <Typography variant="pi" fontWeight="bold">
                      {t('settings.sources.key')}
                    </Typography>
                    <Typography variant="omega" tag="code">
                      {source.key}
                    </Typography>
                  </Flex>
                ) : (
                  <TextField
                    name={`source-${i}-key`}
                    label={t('settings.sources.key')}
                    hint={t('settings.sources.key.hint')}
                    required
                    value={source.key}
                    onChange={(key) => set(i, { ...source, key })}
                  />
                )}
              </Box>
              <Flex gap={1} paddingBottom={1}>
                <IconButton
                  label={t('settings.sources.up', { label: source.label })}
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                >
                  <ArrowUp />
                </IconButton>
                <IconButton
                  label={t('settings.sources.down', { label: source.label })}
                  disabled={i === value.length - 1}
                  onClick={() => move(i, 1)}
                >
                  <ArrowDown />
                </IconButton>
                <IconButton
                  label={t('settings.sources.remove', { label: source.label })}
                  disabled={value.length === 1}
                  onClick={() => onChange(value.filter((_, j) => j !== i))}
                >
                  <Trash />
                </IconButton>
              </Flex>
            </Flex>
          </Box>
        ))}
      </Flex>
      <Flex>
        <Button
          variant="secondary"
          startIcon={<Plus />}
          onClick={() => onChange([...value, { key: '', label: '' }])}
        >
          {t('settings.sources.add')}
        </Button>
      </Flex>
    </Flex>
  );
};
