/**
 * Durations in the config: a number means milliseconds; a string carries a unit
 * (`ns`, `us`, `ms`, `s`). Conversion to integer nanoseconds is exact: it works on the
 * decimal digits as written (BigInt), never through binary floating point, so `"1.8ms"`
 * is exactly 1_800_000 ns and not 1_799_999.9999999998.
 */
import { HardtickError } from '../errors.js';

/** A duration unit accepted in config strings. */
export type DurationUnit = 'ns' | 'us' | 'ms' | 's';

/** Decimal exponent of each unit relative to one nanosecond. */
const UNIT_EXPONENT: Readonly<Record<DurationUnit, number>> = { ns: 0, us: 3, ms: 6, s: 9 };

/** The largest duration any config field accepts: 24 hours, in ns (fits a double exactly). */
export const MAX_DURATION_NS = 86_400_000_000_000;

/**
 * JSON Schema `pattern` of a duration string (what editors check as you type). The parser
 * is a little more lenient in what it recognises only to give better messages.
 */
export const DURATION_STRING_PATTERN = '^\\s*(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?\\s*(ns|us|ms|s)\\s*$';

/** Options of {@link checkDurationNs} and {@link parseDurationNs}. */
export interface DurationOptions {
  /** Accept 0 (for offsets such as a task's phase). @default false */
  readonly allowZero?: boolean;
}

/** Outcome of {@link checkDurationNs}: the value in ns, or the reason it is not a duration. */
export type DurationCheck =
  | { readonly ok: true; readonly ns: number }
  | { readonly ok: false; readonly message: string };

const NUMBER_AND_UNIT = /^\s*(-?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?\s*([^\s\d.+-][^\s]*)?\s*$/;
const NOT_A_NUMBER = /^\s*[+-]?nan/i;
const NOT_FINITE = /^\s*[+-]?inf(inity)?/i;

/**
 * Checks a config duration and converts it to integer nanoseconds, without throwing.
 * Numbers are milliseconds; strings need a unit. Rejects NaN, infinities, negative values,
 * zero (unless `allowZero`), sub-nanosecond precision and anything above 24 hours.
 * The failure message reads after a config path, e.g. `tasks[1].period: <message>`.
 */
export function checkDurationNs(value: unknown, options: DurationOptions = {}): DurationCheck {
  const allowZero = options.allowZero === true;
  const expected = allowZero
    ? 'expected a non-negative duration like "0ms" or "2ms"'
    : 'expected a positive duration like "5ms"';
  const got = describeValue(value);
  let text: string;
  let unit: DurationUnit;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return fail(`${expected}, got NaN (not a number)`);
    if (!Number.isFinite(value)) return fail(`${expected}, got ${got} (durations must be finite)`);
    text = String(value);
    unit = 'ms';
  } else if (typeof value === 'string') {
    const match = NUMBER_AND_UNIT.exec(value);
    if (match === null) {
      if (NOT_A_NUMBER.test(value)) return fail(`${expected}, got ${got} (not a number)`);
      if (NOT_FINITE.test(value)) return fail(`${expected}, got ${got} (durations must be finite)`);
      if (value.trim() === '') return fail(`${expected}, got an empty string`);
      if (isUnit(value.trim())) return fail(`${expected}, got ${got} (missing the number)`);
      return fail(`${expected}, got ${got} (write a number followed by ns, us, ms or s)`);
    }
    const [, sign, intOrFraction = '', , unitText] = match;
    if (sign === '-' && /[1-9]/.test(intOrFraction)) return fail(`${expected}, got ${got}`);
    if (unitText === undefined) {
      const bare = value.trim();
      return fail(
        `${expected}, got ${got} (missing the unit: write "${bare}ms", or the number ${bare} for milliseconds)`,
      );
    }
    if (!isUnit(unitText)) {
      return fail(`${expected}, got ${got} (unknown unit "${unitText}"; use ns, us, ms or s)`);
    }
    text = value
      .trim()
      .slice(0, value.trim().length - unitText.length)
      .trim();
    unit = unitText;
  } else {
    return fail(`${expected} (a number of milliseconds, or a string with unit ns, us, ms or s), got ${got}`);
  }
  const decimal = parseDecimal(text);
  if (decimal === null) return fail(`${expected}, got ${got}`);
  if (decimal.negative && decimal.digits !== 0n) return fail(`${expected}, got ${got}`);
  if (decimal.digits === 0n) {
    return allowZero ? { ok: true, ns: 0 } : fail(`${expected}, got ${got} (must be greater than zero)`);
  }
  const scale = decimal.exponent + UNIT_EXPONENT[unit];
  const shown = typeof value === 'number' ? `${got} (ms)` : got;
  const significant = decimal.digits.toString().length;
  // Magnitude guard before any BigInt power: 24 h is 8.64e13 ns (14 digits).
  if (significant + scale > 15) return tooLarge(shown);
  if (scale < 0) {
    if (-scale >= significant) return subNanosecond(shown);
    const divisor = 10n ** BigInt(-scale);
    if (decimal.digits % divisor !== 0n) return subNanosecond(shown);
    return withinLimit(decimal.digits / divisor, shown);
  }
  return withinLimit(decimal.digits * 10n ** BigInt(scale), shown);
}

/**
 * Converts a config duration to integer nanoseconds (see {@link checkDurationNs}).
 * @throws HardtickError `config_invalid` when the value is not an acceptable duration.
 */
export function parseDurationNs(value: unknown, options: DurationOptions = {}): number {
  const result = checkDurationNs(value, options);
  if (!result.ok) throw new HardtickError('config_invalid', result.message, { issues: [result.message] });
  return result.ns;
}

/** Options of {@link formatNs}. */
export interface FormatNsOptions {
  /**
   * Round to at most this many digits after the decimal point of the chosen unit
   * (`1_234_567` with 1 gives `"1.2ms"`). Exact (every digit) when omitted, so the text
   * parses back to the same value. @default undefined
   */
  readonly maxFractionDigits?: number;
}

/**
 * Prints a duration compactly in the largest unit that keeps it at least 1:
 * `1_800_000` → `"1.8ms"`, `250_000` → `"250us"`, `2e9` → `"2s"`, `0` → `"0ns"`.
 * Non-integer input (e.g. a mean) is rounded to whole nanoseconds first. Exact by default,
 * so `parseDurationNs(formatNs(ns)) === ns` for every positive duration.
 */
export function formatNs(ns: number, options: FormatNsOptions = {}): string {
  if (!Number.isFinite(ns)) return String(ns);
  const sign = ns < 0 ? '-' : '';
  let abs = Math.round(Math.abs(ns));
  const digits = options.maxFractionDigits;
  let exp = unitExponentFor(abs);
  if (digits !== undefined && exp - digits > 0) {
    const step = 10 ** (exp - digits);
    abs = Math.round(abs / step) * step;
    exp = unitExponentFor(abs);
  }
  const unitNs = 10 ** exp;
  const whole = Math.floor(abs / unitNs);
  let fraction = exp === 0 ? '' : String(abs - whole * unitNs).padStart(exp, '0');
  if (digits !== undefined) fraction = fraction.slice(0, Math.max(0, digits));
  fraction = fraction.replace(/0+$/, '');
  const unit = exp === 9 ? 's' : exp === 6 ? 'ms' : exp === 3 ? 'us' : 'ns';
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}${unit}`;
}

/** Converts milliseconds (a config-style number) to integer ns exactly; see {@link parseDurationNs}. */
export function msToNs(ms: number): number {
  return parseDurationNs(ms, { allowZero: true });
}

function unitExponentFor(absNs: number): number {
  if (absNs >= 1e9) return 9;
  if (absNs >= 1e6) return 6;
  if (absNs >= 1e3) return 3;
  return 0;
}

interface Decimal {
  readonly negative: boolean;
  /** All significant digits as one integer. */
  readonly digits: bigint;
  /** The value is `digits × 10^exponent`. */
  readonly exponent: number;
}

/** Parses `-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?` into an exact decimal. */
function parseDecimal(text: string): Decimal | null {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) return null;
  const [, sign = '', intPart = '', fracPart = '', expPart] = match;
  if (intPart === '' && fracPart === '') return null;
  const exponent = (expPart === undefined ? 0 : Number(expPart)) - fracPart.length;
  if (!Number.isSafeInteger(exponent)) return null;
  return { negative: sign === '-', digits: BigInt(`${intPart}${fracPart}` || '0'), exponent };
}

function withinLimit(ns: bigint, shown: string): DurationCheck {
  if (ns > BigInt(MAX_DURATION_NS)) return tooLarge(shown);
  return { ok: true, ns: Number(ns) };
}

function tooLarge(shown: string): DurationCheck {
  return fail(`duration ${shown} exceeds the limit of 24 hours ("86400s")`);
}

function subNanosecond(shown: string): DurationCheck {
  return fail(
    `duration ${shown} has sub-nanosecond precision, which is not representable (durations are whole nanoseconds)`,
  );
}

function fail(message: string): DurationCheck {
  return { ok: false, message };
}

function isUnit(text: string): text is DurationUnit {
  return Object.hasOwn(UNIT_EXPONENT, text);
}

/** Characters of a long string shown in a message (the rest is cut: see {@link preview}). */
const PREVIEW_LENGTH = 24;

/** Strings longer than this are shown by {@link describeValue} as a {@link preview}. */
const MAX_DESCRIBED_LENGTH = 80;

/** The start of a long text, quoted, with `…` where it was cut: `"xxxxxxxx…"`. */
export function preview(text: string): string {
  const head = JSON.stringify(text.slice(0, PREVIEW_LENGTH));
  return text.length > PREVIEW_LENGTH ? `${head.slice(0, -1)}…"` : head;
}

/**
 * Renders a config value for an error message: strings quoted (a long one cut, with its
 * length), numbers as written.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > MAX_DESCRIBED_LENGTH
      ? `${preview(value)} (${value.length} characters)`
      : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return 'an object';
}
