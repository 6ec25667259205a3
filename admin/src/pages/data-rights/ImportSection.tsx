import { Badge, Box, Button, Field, Flex, Td, TextInput, Typography } from '@strapi/design-system';
import { Check, Upload } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { useRef, useState } from 'react';
import { useTheme } from 'styled-components';
import {
  errorDetails,
  useImportConsentsMutation,
  type ImportLine,
  type ImportReport,
} from '../../api';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useT } from '../../hooks/useT';
import { Card } from '../../components/Card';
import { DataTable } from '../../components/DataTable';

/** Lines shown in the report table; the counts above it cover every line. */
const SHOWN = 100;

/** Errors first, then in file order. */
const ordered = (lines: ImportLine[]) =>
  [...lines].sort((a, b) => Number(a.ok) - Number(b.ok) || a.line - b.line);

/**
 * Import legacy consents from CSV (read in the browser, sent as text): a dry run
 * validates every line and shows the report; only a file without errors can then be
 * imported, as events with channel "import".
 */
export const ImportSection = () => {
  const t = useT();
  const [importConsents] = useImportConsentsMutation();
  const { toggleNotification } = useNotification();
  const notifyError = useNotifyError();
  const theme = useTheme();
  const errorRow = { background: theme.colors.danger100 };
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; csv: string } | null>(null);
  const [source, setSource] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);

  const choose = async (event: React.ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    event.target.value = '';
    if (!chosen) return;
    setReport(null);
    setFile({ name: chosen.name, csv: await chosen.text() });
  };

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(dryRun ? 'check' : 'import');
    try {
      const body = { csv: file.csv, dryRun, ...(source.trim() ? { source: source.trim() } : {}) };
      const imported = await importConsents(body).unwrap();
      setReport(imported);
      if (!dryRun) {
        toggleNotification({
          type: 'success',
          message: t('import.done', { count: imported.imported }),
        });
        setFile(null);
      }
    } catch (error) {
      // A file with errors is refused with a 400 that carries the line report.
      const details = errorDetails<ImportReport>(error);
      if (details && Array.isArray(details.lines)) setReport(details);
      else notifyError(error);
    } finally {
      setBusy(null);
    }
  };

  const lines = report ? ordered(report.lines) : [];
  const importable = Boolean(file && report?.dryRun && report.invalid === 0 && report.valid > 0);

  return (
    <Card title={t('import.title')}>
      <Typography variant="pi" textColor="neutral600">
        {t('import.hint')}
      </Typography>
      <Flex gap={4} alignItems="flex-end" wrap="wrap">
        <Flex direction="column" alignItems="flex-start" gap={1}>
          <Typography variant="pi" fontWeight="bold" tag="label" htmlFor="consent-import-file">
            {t('import.file')}
          </Typography>
          <input
            ref={input}
            id="consent-import-file"
            type="file"
            accept=".csv,text/csv"
            onChange={choose}
            style={{ position: 'absolute', width: 1, height: 1, opacity: 0 }}
          />
          <Button variant="secondary" startIcon={<Upload />} onClick={() => input.current?.click()}>
            {file ? file.name : t('import.choose')}
          </Button>
        </Flex>
        <Box width="24rem">
          <Field.Root name="source" hint={t('import.source.hint')}>
            <Field.Label>{t('import.source')}</Field.Label>
            <TextInput
              value={source}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSource(e.target.value)}
            />
          </Field.Root>
        </Box>
        <Button
          variant="secondary"
          onClick={() => send(true)}
          loading={busy === 'check'}
          disabled={!file || busy !== null}
        >
          {t('import.check')}
        </Button>
        {importable && report && (
          <Button
            startIcon={<Check />}
            onClick={() => send(false)}
            loading={busy === 'import'}
            disabled={busy !== null}
          >
            {t('import.run', { count: report.valid })}
          </Button>
        )}
      </Flex>

      {report && (
        <Flex direction="column" alignItems="stretch" gap={3} data-testid="import-report">
          <Typography
            fontWeight="bold"
            textColor={report.invalid > 0 ? 'danger700' : 'success700'}
            role="status"
          >
            {report.dryRun
              ? t('import.report.dryRun', {
                  total: report.total,
                  valid: report.valid,
                  invalid: report.invalid,
                })
              : t('import.report.done', { imported: report.imported, total: report.total })}
          </Typography>
          {report.invalid > 0 && (
            <Typography textColor="danger700">{t('import.report.nothing')}</Typography>
          )}
          <DataTable
            headers={[t('import.col.line'), t('import.col.status'), t('import.col.errors')]}
            rows={lines.slice(0, SHOWN)}
            rowKey={(line) => line.line}
            rowTestId="import-line"
            rowStyle={(line) => (line.ok ? undefined : errorRow)}
            renderCells={(line) => (
              <>
                <Td>
                  <Typography>{line.line}</Typography>
                </Td>
                <Td>
                  <Badge
                    backgroundColor={line.ok ? 'success100' : 'danger100'}
                    textColor={line.ok ? 'success700' : 'danger700'}
                  >
                    {line.ok ? t('import.line.ok') : t('import.line.error')}
                  </Badge>
                </Td>
                <Td>
                  <Typography textColor={line.ok ? 'neutral600' : 'danger700'}>
                    {line.errors.join('; ') || '–'}
                  </Typography>
                </Td>
              </>
            )}
          />
          {lines.length > SHOWN && (
            <Typography variant="pi" textColor="neutral600">
              {t('import.report.more', { count: lines.length - SHOWN })}
            </Typography>
          )}
        </Flex>
      )}
    </Card>
  );
};
