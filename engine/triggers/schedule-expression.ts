import type { CalendarSpec, DayOfWeek, IntervalSpec, Month, Range } from '@temporalio/client';

/**
 * Schedule expressions in EventBridge Scheduler's syntax, turned into a Temporal schedule spec:
 * `cron(minutes hours day-of-month month day-of-week year)`, `rate(<n> <unit>)` and
 * `at(yyyy-mm-ddThh:mm:ss)` (one time, in the schedule's time zone). Stepflow extends `rate`
 * with `second(s)` so short cadences can be tried out; cron's `L`, `W` and `#` are refused.
 */
export interface ScheduleTimes {
  calendars?: CalendarSpec[];
  intervals?: IntervalSpec[];
  /** `at(...)`: the schedule takes one action, then is done. */
  oneTime: boolean;
}

/** A schedule expression Stepflow cannot use; the message says why. */
export class ScheduleExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleExpressionError';
  }
}

const MONTHS: readonly Month[] = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];
const DAYS: readonly DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/** One cron field: its bounds and the names it accepts (EventBridge: `JAN`…, `SUN`=1…`SAT`=7). */
interface Field {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** `?` (no specific value) is allowed: day-of-month and day-of-week only. */
  question?: boolean;
}

const FIELDS: Field[] = [
  { label: 'minutes', min: 0, max: 59 },
  { label: 'hours', min: 0, max: 23 },
  { label: 'day-of-month', min: 1, max: 31, question: true },
  { label: 'month', min: 1, max: 12, names: MONTHS.map((m) => m.slice(0, 3)) },
  { label: 'day-of-week', min: 1, max: 7, names: DAYS.map((d) => d.slice(0, 3)), question: true },
  { label: 'year', min: 1970, max: 2199 },
];

function value(field: Field, text: string): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + field.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < field.min || n > field.max) {
    throw new ScheduleExpressionError(
      `cron ${field.label}: '${text}' is not a value from ${field.min} to ${field.max}${field.names ? ' or a name' : ''}`,
    );
  }
  return n;
}

/** Parses one cron field into ranges of numbers; undefined for `*` and `?` (every value). */
export function parseCronField(field: Field, text: string): Range<number>[] | undefined {
  if (text === '*' || (text === '?' && field.question)) return undefined;
  if (text === '?')
    throw new ScheduleExpressionError(`cron ${field.label}: '?' is allowed only in day-of-month and day-of-week`);
  return text.split(',').map((part) => {
    const match = /^([^/-]+)(?:-([^/]+))?(?:\/(\d+))?$/.exec(part);
    if (!match) throw new ScheduleExpressionError(`cron ${field.label}: '${part}' is not a value, range or step`);
    const [, from, to, stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1 || step > field.max)
      throw new ScheduleExpressionError(`cron ${field.label}: step '${stepText}' is out of range`);
    const start = from === '*' ? field.min : value(field, from as string);
    const end = to !== undefined ? value(field, to) : from === '*' || stepText !== undefined ? field.max : start;
    if (end < start) throw new ScheduleExpressionError(`cron ${field.label}: range '${part}' ends before it starts`);
    return { start, end, step };
  });
}

function named<T>(ranges: Range<number>[] | undefined, names: readonly T[], min: number): Range<T>[] | '*' {
  if (!ranges) return '*';
  return ranges.map((r) => ({ start: names[r.start - min] as T, end: names[r.end - min] as T, step: r.step }));
}

function parseCron(body: string): ScheduleTimes {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleExpressionError(
      `cron() takes 6 fields (minutes hours day-of-month month day-of-week year); got ${parts.length}`,
    );
  }
  const [minute, hour, dom, month, dow, year] = parts.map((text, i) => parseCronField(FIELDS[i] as Field, text));
  if ((parts[2] === '?') === (parts[4] === '?')) {
    throw new ScheduleExpressionError("cron: exactly one of day-of-month and day-of-week must be '?'");
  }
  return {
    calendars: [
      {
        second: 0,
        minute: minute ?? '*',
        hour: hour ?? '*',
        dayOfMonth: dom ?? '*',
        month: named(month, MONTHS, 1),
        dayOfWeek: named(dow, DAYS, 1),
        year: year ?? '*',
      },
    ],
    oneTime: false,
  };
}

const RATE_UNITS: Record<string, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function parseRate(body: string): ScheduleTimes {
  const match = /^\s*(\d{1,9})\s+(second|minute|hour|day)s?\s*$/.exec(body);
  const n = Number(match?.[1]);
  if (!match || n < 1) {
    throw new ScheduleExpressionError("rate() takes '<positive integer> <second(s)|minute(s)|hour(s)|day(s)>'");
  }
  return { intervals: [{ every: n * (RATE_UNITS[match[2] as string] as number) }], oneTime: false };
}

function parseAt(body: string): ScheduleTimes {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
  if (!match) throw new ScheduleExpressionError('at() takes a local date and time: yyyy-mm-ddThh:mm:ss');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[];
  // Date.UTC rolls over impossible dates (Feb 30 becomes Mar 2): compare to catch them.
  const probe = new Date(Date.UTC(year as number, (month as number) - 1, day, hour, minute, second));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== (month as number) - 1 ||
    probe.getUTCDate() !== day ||
    probe.getUTCHours() !== hour ||
    probe.getUTCMinutes() !== minute ||
    probe.getUTCSeconds() !== second
  ) {
    throw new ScheduleExpressionError(`at(): '${body.trim()}' is not a valid date and time`);
  }
  return {
    calendars: [
      {
        second,
        minute,
        hour,
        dayOfMonth: day,
        month: MONTHS[(month as number) - 1] as Month,
        year,
        dayOfWeek: '*',
      },
    ],
    oneTime: true,
  };
}

/** Parses `cron(...)`, `rate(...)` or `at(...)`; throws ScheduleExpressionError with the reason. */
export function parseScheduleExpression(expression: string): ScheduleTimes {
  const match = /^\s*(cron|rate|at)\((.*)\)\s*$/.exec(expression);
  if (!match) throw new ScheduleExpressionError('the expression must be cron(...), rate(...) or at(...)');
  const [, kind, body] = match;
  if (kind === 'cron') return parseCron(body as string);
  if (kind === 'rate') return parseRate(body as string);
  return parseAt(body as string);
}

/** True when `zone` is an IANA time zone this runtime knows (`UTC`, `Europe/Paris`, …). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
