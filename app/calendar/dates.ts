// Dates in Cambodia's time (UTC+7, no daylight saving) and the DATE column's calendar days.
// Pure, so the forms can reuse them in the browser.

/** Cambodia keeps UTC+7 all year (no daylight saving). */
const CAMBODIA_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type IsoDate = `${number}-${number}-${number}`;

export function isIsoDate(value: string): value is IsoDate {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Today's date in Cambodia. */
export function cambodiaToday(now: Date): IsoDate {
  return new Date(now.getTime() + CAMBODIA_OFFSET_MS).toISOString().slice(0, 10) as IsoDate;
}

/** The instant a Cambodian wall-clock time happens. */
export function cambodiaInstant(date: IsoDate, time = "00:00") {
  return new Date(new Date(`${date}T${time}:00Z`).getTime() - CAMBODIA_OFFSET_MS);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS)
    .toISOString()
    .slice(0, 10) as IsoDate;
}

/** A calendar date as the DATE column takes it (UTC midnight). */
export function dateColumn(date: IsoDate) {
  return new Date(`${date}T00:00:00Z`);
}

/** The delivery date as stored (a DATE column, read back as UTC midnight). */
export function dateOnly(date: Date): IsoDate {
  return date.toISOString().slice(0, 10) as IsoDate;
}
