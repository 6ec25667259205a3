/**
 * Art. 12(3) GDPR: a request is answered "within one month of receipt", extendable once by
 * two further months. A month is a calendar month: the same day of the month, or the
 * month's last day when it has no such day (31 January + 1 month = 28 or 29 February).
 * UTC throughout; the time of day is kept.
 */
export const addCalendarMonths = (from: Date, months: number): Date => {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(from.getUTCDate(), lastDay),
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds()
    )
  );
};

/** The due date: one month after receipt, plus the extension's months. */
export const dueDate = (receivedAt: Date, extensionMonths = 0): Date =>
  addCalendarMonths(receivedAt, 1 + extensionMonths);
