import { Badge } from '@strapi/design-system';
import type { ClientStatus } from '../api';
import { useT, type TranslationKey } from '../hooks/useT';

type Tone = 'success' | 'neutral' | 'warning' | 'primary' | 'danger';

const TONES: Record<Tone, { background: string; text: string }> = {
  success: { background: 'success100', text: 'success700' },
  neutral: { background: 'neutral150', text: 'neutral700' },
  warning: { background: 'warning100', text: 'warning700' },
  primary: { background: 'primary100', text: 'primary700' },
  danger: { background: 'danger100', text: 'danger700' },
};

const ToneBadge = ({ tone, label }: { tone: Tone; label: string }) => (
  <Badge backgroundColor={TONES[tone].background} textColor={TONES[tone].text}>
    {label}
  </Badge>
);

const STATE_TONES: Record<string, Tone> = {
  valid: 'success',
  missing: 'neutral',
  outdated: 'warning',
  pending: 'primary',
  refused: 'danger',
  withdrawn: 'danger',
  revoked: 'danger',
  expired: 'neutral',
  erased: 'neutral',
};

/** The consent state of a client or purpose as a coloured badge. */
export const StatusBadge = ({ status }: { status: ClientStatus | string }) => {
  const t = useT();
  return (
    <ToneBadge
      tone={STATE_TONES[status] ?? 'neutral'}
      label={t(`state.${status}` as TranslationKey)}
    />
  );
};

const REQUEST_TONES: Record<string, Tone> = {
  queued: 'neutral',
  sent: 'primary',
  approved: 'success',
  declined: 'danger',
  expired: 'neutral',
  failed: 'danger',
  cancelled: 'neutral',
  running: 'primary',
  paused: 'warning',
  completed: 'success',
};

/** The status of a request or campaign. */
export const RequestStatusBadge = ({ status }: { status: string }) => {
  const t = useT();
  return (
    <ToneBadge
      tone={REQUEST_TONES[status] ?? 'neutral'}
      label={t(`requestStatus.${status}` as TranslationKey)}
    />
  );
};

/** A booking's consent mark: made with valid consent or without. */
export const BookingMarkBadge = ({ valid }: { valid: boolean }) => {
  const t = useT();
  return valid ? (
    <ToneBadge tone="success" label={t('filter.valid')} />
  ) : (
    <ToneBadge tone="danger" label={t('filter.invalid')} />
  );
};
