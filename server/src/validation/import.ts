import { z } from '@strapi/utils';
import { IMPORT_MATCHES } from '../contracts';

/** Largest CSV accepted (characters) and most records; bigger files are split by the admin. */
export const IMPORT_MAX_CHARS = 5 * 1024 * 1024;
export const IMPORT_MAX_LINES = 50_000;

export const IMPORT_DECISIONS = ['given', 'refused', 'withdrawn'] as const;

export type { ImportMatch } from '../contracts';

/** The CSV's columns (header names, case-insensitive): required and optional. */
export const REQUIRED_COLUMNS = ['client', 'purpose', 'decision', 'date'] as const;
export const OPTIONAL_COLUMNS = ['source', 'version', 'explicit'] as const;

/** POST /consent/imports (JSON); a text/csv body takes the other options from the query string. */
export const importSchema = z
  .object({
    csv: z.string().min(1, 'the CSV text is empty'),
    dryRun: z.boolean().default(false),
    /** The source of lines without a `source` column or cell, e.g. "paper forms 2019". */
    source: z.string().trim().min(1).max(255).optional(),
    match: z.enum(IMPORT_MATCHES).default('auto'),
  })
  .strict();

export const importQuerySchema = z
  .object({
    dryRun: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    source: z.string().trim().min(1).max(255).optional(),
    match: z.enum(IMPORT_MATCHES).default('auto'),
  })
  .strict();

export type ImportInput = z.output<typeof importSchema>;
