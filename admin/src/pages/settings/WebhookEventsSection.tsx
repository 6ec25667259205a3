import { Box, Button, Checkbox, Flex, Link, Td, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { useRBAC } from '@strapi/strapi/admin';
import { useState } from 'react';
import { NavLink } from 'react-router-dom';
import {
  WEBHOOK_EVENTS as CONSENT_WEBHOOK_EVENTS,
  useGetConsentWebhooksQuery,
  useUpdateConsentWebhookEventsMutation,
  type Webhook,
} from '../../api';
import { DataTable } from '../../components/DataTable';
import { useSubmit } from '../../hooks/useSubmit';
import { useT, type TranslationKey } from '../../hooks/useT';

const consentEventsOf = (webhook: Webhook) =>
  webhook.events.filter((e) => e.startsWith('consent.'));

const WEBHOOK_PERMISSIONS = {
  read: [{ action: 'admin::webhooks.read', subject: null }],
  update: [{ action: 'admin::webhooks.update', subject: null }],
};

/**
 * Which consent events each of Strapi's webhooks receives. Strapi's own
 * Settings > Webhooks form lists only its entry and media events (a fixed table in
 * the Community Edition), but it keeps the other events a webhook has when it saves,
 * so they are chosen here, through Strapi's webhooks API and its permissions, and the
 * webhook then runs like any other.
 */
export const WebhookEventsSection = () => {
  const t = useT();
  const { allowedActions } = useRBAC(WEBHOOK_PERMISSIONS);
  const webhooksQuery = useGetConsentWebhooksQuery(undefined, { skip: !allowedActions.canRead });
  const webhooks = webhooksQuery.isError ? [] : (webhooksQuery.data ?? null);
  /** The admin's unsaved choices, per webhook; a webhook without one shows what it has. */
  const [edits, setEdits] = useState<Record<string, string[]>>({});
  const chosenFor = (webhook: Webhook) => edits[webhook.id] ?? consentEventsOf(webhook);
  const [updateWebhookEvents] = useUpdateConsentWebhookEventsMutation();
  const { submit } = useSubmit();
  const [saving, setSaving] = useState<string | null>(null);

  if (!allowedActions.canRead) {
    return (
      <Typography variant="pi" textColor="neutral600">
        {t('settings.webhooks.noAccess')}
      </Typography>
    );
  }
  if (!webhooks) return null;

  const toggle = (webhook: Webhook, event: string, on: boolean) => {
    const events = new Set(chosenFor(webhook));
    if (on) events.add(event);
    else events.delete(event);
    setEdits((current) => ({
      ...current,
      [webhook.id]: CONSENT_WEBHOOK_EVENTS.filter((e) => events.has(e)),
    }));
  };

  const save = async (webhook: Webhook) => {
    setSaving(webhook.id);
    const others = webhook.events.filter((e) => !e.startsWith('consent.'));
    await submit(
      () => updateWebhookEvents({ webhook, events: [...others, ...chosenFor(webhook)] }).unwrap(),
      {
        notify: () => t('settings.webhooks.saved', { name: webhook.name }),
        then: () =>
          setEdits((current) => {
            const { [webhook.id]: _saved, ...rest } = current;
            return rest;
          }),
      }
    );
    setSaving(null);
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="pi" textColor="neutral600">
        {t('settings.webhooks.hint')}
      </Typography>
      {webhooks.length === 0 ? (
        <Box>
          <Typography variant="omega">{t('settings.webhooks.none')} </Typography>
          <Link tag={NavLink} to="/settings/webhooks/create">
            {t('settings.webhooks.create')}
          </Link>
        </Box>
      ) : (
        <DataTable
          headers={[
            t('settings.webhooks.webhook'),
            ...CONSENT_WEBHOOK_EVENTS.map((event) =>
              t(`settings.webhooks.event.${event.split('.')[1]}` as TranslationKey)
            ),
            t('settings.webhooks.actions'),
          ]}
          rows={webhooks}
          rowKey={(webhook) => webhook.id}
          renderCells={(webhook) => {
            const current = consentEventsOf(webhook).sort().join(',');
            const dirty = [...chosenFor(webhook)].sort().join(',') !== current;
            return (
              <>
                <Td>
                  <Link tag={NavLink} to={`/settings/webhooks/${webhook.id}`}>
                    {webhook.name}
                  </Link>
                </Td>
                {CONSENT_WEBHOOK_EVENTS.map((event) => (
                  <Td key={event}>
                    <Checkbox
                      aria-label={`${webhook.name}: ${event}`}
                      disabled={!allowedActions.canUpdate}
                      checked={chosenFor(webhook).includes(event)}
                      onCheckedChange={(on: boolean | 'indeterminate') =>
                        toggle(webhook, event, on === true)
                      }
                    />
                  </Td>
                ))}
                <Td>
                  {allowedActions.canUpdate && (
                    <Button
                      size="S"
                      variant="secondary"
                      startIcon={<Check />}
                      disabled={!dirty}
                      loading={saving === webhook.id}
                      onClick={() => save(webhook)}
                    >
                      {t('settings.webhooks.save')}
                    </Button>
                  )}
                </Td>
              </>
            );
          }}
        />
      )}
    </Flex>
  );
};
