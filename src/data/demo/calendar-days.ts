// Days as `YYYY-MM-DD`, both ways, remembered: the generator formats a few thousand distinct days
// hundreds of thousands of times, and Date's formatting and parsing were most of its run time.

export const DAY_MS = 86_400_000;

const textOfDay = new Map<number, string>();
const dayOfText = new Map<string, number>();

/** The UTC day of an epoch-millisecond time, as `YYYY-MM-DD`. */
export function isoDay(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let text = textOfDay.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    textOfDay.set(day, text);
  }
  return text;
}

/** Midnight UTC of a `YYYY-MM-DD` day, in epoch milliseconds. */
export function dayOf(date: string): number {
  let ms = dayOfText.get(date);
  if (ms === undefined) {
    ms = Date.parse(`${date}T00:00:00Z`);
    dayOfText.set(date, ms);
  }
  return ms;
}

export function plusDays(date: string, days: number): string {
  return isoDay(dayOf(date) + days * DAY_MS);
}
