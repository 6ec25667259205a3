import { Button, Modal } from '@strapi/design-system';
import { useT } from '../hooks/useT';

/** A dialog with a Cancel button and one action: the frame the plugin's modals share. */
export const FormModal = ({
  title,
  submitLabel,
  onSubmit,
  onClose,
  busy,
  disabled = false,
  variant = 'default',
  lockWhileBusy = false,
  back,
  children,
}: {
  title: string;
  submitLabel: string;
  onSubmit: () => void;
  onClose: () => void;
  busy: boolean;
  disabled?: boolean;
  variant?: 'default' | 'danger';
  /** Keep the dialog open while it works: a bulk erasure must not lose its answer. */
  lockWhileBusy?: boolean;
  /** In place of Cancel: a step back (the dialog stays open). */
  back?: { label: string; onClick: () => void };
  children: React.ReactNode;
}) => {
  const t = useT();
  return (
    <Modal.Root
      open
      onOpenChange={(open: boolean) => !open && !(lockWhileBusy && busy) && onClose()}
    >
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{title}</Modal.Title>
        </Modal.Header>
        <Modal.Body>{children}</Modal.Body>
        <Modal.Footer>
          <Button
            variant="tertiary"
            onClick={back?.onClick ?? onClose}
            disabled={lockWhileBusy && busy}
          >
            {back?.label ?? t('common.cancel')}
          </Button>
          <Button variant={variant} onClick={onSubmit} loading={busy} disabled={disabled}>
            {submitLabel}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
