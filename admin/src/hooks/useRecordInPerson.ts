import { useRecordDecisionsMutation, type RecordDecisions } from '../api';
import { useSubmit, type SubmitOptions } from './useSubmit';

type Recorded = RecordDecisions.Response['data'];

/** Decisions that staff record for a client at the desk: the channel is always in person. */
export const useRecordInPerson = (subject: string) => {
  const [recordDecisions] = useRecordDecisionsMutation();
  const { busy, submit } = useSubmit();
  const record = (
    body: Omit<RecordDecisions.Request['body'], 'channel'>,
    options: SubmitOptions<Recorded>
  ) =>
    submit(
      () =>
        recordDecisions({ documentId: subject, body: { ...body, channel: 'in_person' } }).unwrap(),
      options
    );
  return { busy, record };
};
