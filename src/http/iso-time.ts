const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z, from which on `toISOString` writes a six-digit year. */
const YEAR_10000_MS = 253_402_300_800_000;

let cachedDay = Number.NaN;
let cachedDate = '';

const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const threeDigits = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `new Date(millis).toISOString()` for a whole millisecond between 1970 and the year 10000 (anything else
 * is left to `toISOString`), with the date part kept from the last call and the time of day written out
 * by hand. Every message an answer holds has a time to format, most of a page's on one day, and
 * `toISOString` was a visible share of a history page's CPU (see docs/performance-history.md).
 */
export function isoTime(millis: number): string {
  if (!Number.isInteger(millis) || millis < 0 || millis >= YEAR_10000_MS) return new Date(millis).toISOString();
  const day = Math.floor(millis / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 'YYYY-MM-DDT'.length);
  }
  let rest = millis - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${cachedDate}${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}.${threeDigits(rest - seconds * 1000)}Z`;
}
