import { useRecordDecisionsMutation, type RecordDecisions } from '../api';
import { useSubmit, type SubmitOptions } from './useSubmit';

type Recorded = RecordDecisions.Response['data'];
type InPersonBody = Omit<RecordDecisions.Request['body'], 'channel'>;

/** Decisions that staff record for a client at the desk: the channel is always in person. */
export const useInPersonDecisions = (subject: string) => {
  const [recordDecisions] = useRecordDecisionsMutation();
  return (body: InPersonBody): Promise<Recorded> =>
    recordDecisions({ documentId: subject, body: { ...body, channel: 'in_person' } }).unwrap();
};

/** In-person decisions with their busy flag and notifications (useSubmit). */
export const useRecordInPerson = (subject: string) => {
  const recordInPerson = useInPersonDecisions(subject);
  const { busy, submit } = useSubmit();
  const record = (body: InPersonBody, options: SubmitOptions<Recorded>) =>
    submit(() => recordInPerson(body), options);
  return { busy, record };
};
