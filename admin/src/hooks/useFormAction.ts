import { useState } from 'react';
import { useSubmit, type SubmitOptions } from './useSubmit';

/**
 * The one action of a form in a FormModal: the form shows its errors from the first try on,
 * and the action runs only when the form is ready. `action(...)` gives FormModal its
 * `onSubmit` and `busy` (spread them: `<FormModal {...action(ready, run, options)} ...>`).
 */
export const useFormAction = () => {
  const { busy, submit } = useSubmit();
  const [showErrors, setShowErrors] = useState(false);

  const action = <T>(ready: boolean, run: () => Promise<T>, options?: SubmitOptions<T>) => ({
    busy,
    onSubmit: () => {
      setShowErrors(true);
      if (ready) void submit(run, options);
    },
  });

  return { showErrors, action };
};
