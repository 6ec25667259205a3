import { Badge } from '@strapi/design-system';
import type { ClientStatus } from '../api';
import { useT, type TranslationKey } from '../hooks/useT';

const COLORS: Record<string, { background: string; text: string }> = {
  valid: { background: 'success100', text: 'success700' },
  missing: { background: 'neutral150', text: 'neutral700' },
  outdated: { background: 'warning100', text: 'warning700' },
  pending: { background: 'primary100', text: 'primary700' },
  refused: { background: 'danger100', text: 'danger700' },
  withdrawn: { background: 'danger100', text: 'danger700' },
  revoked: { background: 'danger100', text: 'danger700' },
  expired: { background: 'neutral150', text: 'neutral700' },
};

/** The consent state of a client or purpose as a coloured badge. */
export const StatusBadge = ({ status }: { status: ClientStatus | string }) => {
  const t = useT();
  const color = COLORS[status] ?? COLORS.missing;
  return (
    <Badge backgroundColor={color.background} textColor={color.text}>
      {t(`state.${status}` as TranslationKey)}
    </Badge>
  );
};

const REQUEST_COLORS: Record<string, { background: string; text: string }> = {
  queued: { background: 'neutral150', text: 'neutral700' },
  sent: { background: 'primary100', text: 'primary700' },
  approved: { background: 'success100', text: 'success700' },
  declined: { background: 'danger100', text: 'danger700' },
  expired: { background: 'neutral150', text: 'neutral700' },
  failed: { background: 'danger100', text: 'danger700' },
  cancelled: { background: 'neutral150', text: 'neutral700' },
  running: { background: 'primary100', text: 'primary700' },
  paused: { background: 'warning100', text: 'warning700' },
  completed: { background: 'success100', text: 'success700' },
};

/** The status of a request or campaign. */
export const RequestStatusBadge = ({ status }: { status: string }) => {
  const t = useT();
  const color = REQUEST_COLORS[status] ?? REQUEST_COLORS.queued;
  return (
    <Badge backgroundColor={color.background} textColor={color.text}>
      {t(`requestStatus.${status}` as TranslationKey)}
    </Badge>
  );
};
