import { Box, Button, Checkbox, Flex, Link, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import { NavLink } from 'react-router-dom';
import { errorMessage } from '../../api';
import { useT, type TranslationKey } from '../../hooks/useT';

/** The consent events Strapi's webhook store accepts (server/src/services/webhooks.ts). */
export const CONSENT_WEBHOOK_EVENTS = ['consent.given', 'consent.refused', 'consent.withdrawn', 'consent.expired', 'consent.erased'] as const;

interface Webhook {
  id: string;
  name: string;
  url: string;
  headers: Record<string, string>;
  events: string[];
  isEnabled: boolean;
}

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
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC(WEBHOOK_PERMISSIONS);
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [chosen, setChosen] = useState<Record<string, string[]>>({});
  const [saving, setSaving] = useState<string | null>(null);

  const load = useCallback(() => {
    get<{ data: Webhook[] }>('/admin/webhooks')
      .then(({ data }) => {
        setWebhooks(data.data);
        setChosen(Object.fromEntries(data.data.map((w) => [w.id, w.events.filter((e) => e.startsWith('consent.'))])));
      })
      .catch(() => setWebhooks([]));
  }, [get]);
  useEffect(() => {
    if (allowedActions.canRead) load();
  }, [allowedActions.canRead, load]);

  if (!allowedActions.canRead) {
    return (
      <Typography variant="pi" textColor="neutral600">
        {t('settings.webhooks.noAccess')}
      </Typography>
    );
  }
  if (!webhooks) return null;

  const toggle = (id: string, event: string, on: boolean) =>
    setChosen((current) => {
      const events = new Set(current[id] ?? []);
      if (on) events.add(event);
      else events.delete(event);
      return { ...current, [id]: CONSENT_WEBHOOK_EVENTS.filter((e) => events.has(e)) };
    });

  const save = async (webhook: Webhook) => {
    setSaving(webhook.id);
    try {
      const others = webhook.events.filter((e) => !e.startsWith('consent.'));
      const events = [...others, ...(chosen[webhook.id] ?? [])];
      const { data } = await put<{ data: Webhook }>(`/admin/webhooks/${webhook.id}`, {
        name: webhook.name,
        url: webhook.url,
        headers: webhook.headers,
        events,
      });
      setWebhooks((list) => list?.map((w) => (w.id === webhook.id ? { ...w, events: data.data.events } : w)) ?? null);
      toggleNotification({ type: 'success', message: t('settings.webhooks.saved', { name: webhook.name }) });
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) ?? t('error.generic') });
    } finally {
      setSaving(null);
    }
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
        <Table colCount={CONSENT_WEBHOOK_EVENTS.length + 2} rowCount={webhooks.length + 1}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">{t('settings.webhooks.webhook')}</Typography>
              </Th>
              {CONSENT_WEBHOOK_EVENTS.map((event) => (
                <Th key={event}>
                  <Typography variant="sigma">{t(`settings.webhooks.event.${event.split('.')[1]}` as TranslationKey)}</Typography>
                </Th>
              ))}
              <Th>
                <Typography variant="sigma">{t('settings.webhooks.actions')}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {webhooks.map((webhook) => {
              const current = webhook.events.filter((e) => e.startsWith('consent.')).sort().join(',');
              const dirty = [...(chosen[webhook.id] ?? [])].sort().join(',') !== current;
              return (
                <Tr key={webhook.id}>
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
                        checked={(chosen[webhook.id] ?? []).includes(event)}
                        onCheckedChange={(on: boolean | 'indeterminate') => toggle(webhook.id, event, on === true)}
                      />
                    </Td>
                  ))}
                  <Td>
                    {allowedActions.canUpdate && (
                      <Button size="S" variant="secondary" startIcon={<Check />} disabled={!dirty} loading={saving === webhook.id} onClick={() => save(webhook)}>
                        {t('settings.webhooks.save')}
                      </Button>
                    )}
                  </Td>
                </Tr>
              );
            })}
          </Tbody>
        </Table>
      )}
    </Flex>
  );
};
