/**
 * The run report's `lease` section (hot standby, config `lease`): who this process was in
 * the election, every change of role with its fencing token, the time spent leading and
 * standing by, and the standby frames the loop counted. Its types, its consistency checks,
 * and the lines the summary and `hardtick report` print. Cold code.
 */
import { formatNs } from '../config/duration.js';

/** Kinds of lease transition, in the order a term goes through them. */
export const LEASE_TRANSITION_KINDS = ['standby', 'leader', 'lost', 'passive'] as const;

/**
 * One change of this process's role in the election: `standby` (it campaigns: at the start,
 * and after a loss when it rejoins), `leader` (it won a term: `token`), `lost` (the term
 * ended without it asking: `reason` `expired` or `revoked`), `passive` (it stopped acting:
 * after a loss, or `stopped` at the end of the run).
 */
export interface RunReportLeaseTransition {
  /** When, ISO 8601 (wall clock). */
  readonly at: string;
  /** When, ns since the measurement started (wall clock). */
  readonly sinceStartNs: number;
  readonly kind: (typeof LEASE_TRANSITION_KINDS)[number];
  /** The term's fencing token (`leader`, `lost`), else null. */
  readonly token: number | null;
  /** `lost` / `passive`: `expired`, `revoked` or `stopped`; else null. */
  readonly reason: string | null;
}

/** The report's `lease` section (present when the config has `lease`). */
export interface RunReportLease {
  /** The election key. */
  readonly key: string;
  /** This process's name in the election (the writer name a fencing sink sees). */
  readonly candidate: string;
  /** The lease TTL, ns. */
  readonly ttlNs: number;
  /** Role changes during the measured run, oldest first (at most 1000, `MAX_LEASE_TRANSITIONS`). */
  readonly transitions: readonly RunReportLeaseTransition[];
  /** Transitions beyond the 1000 listed (the times still count them). */
  readonly transitionsDropped: number;
  /**
   * Time this process held a valid lease, ns of the measured run (wall clock): from each
   * `leader` transition to the term's end (a term that expired ends at its last valid-until,
   * even when the process, paused, noticed later).
   */
  readonly leadingNs: number;
  /** Time it did not (standby or passive), ns: the measured run's rest. */
  readonly standbyNs: number;
  /** Frames the loop released without running a task because it did not lead (`RC_STANDBY_FRAMES`). */
  readonly standbyFrames: number;
  /** Fencing tokens of the terms it held, ascending. */
  readonly tokens: readonly number[];
  /** Failed calls to the election (transport errors, timeouts); each was retried. */
  readonly errors: number;
}

/** Most transitions a report lists. */
export const MAX_LEASE_TRANSITIONS = 1000;

/** One problem in a lease section: the field's path under `lease` and what is wrong. */
export interface LeaseProblem {
  readonly path: string;
  readonly message: string;
}

/** The shape {@link leaseSectionProblems} reads (what the report reader guarantees). */
export interface CheckableLease {
  readonly leadingNs: number;
  readonly standbyNs: number;
  readonly standbyFrames: number;
  readonly tokens: readonly number[];
  readonly transitions: readonly {
    readonly sinceStartNs: number;
    readonly kind: string;
    readonly token: number | null;
  }[];
}

/**
 * Whether a lease section can be true of a run: times and counts non-negative, tokens
 * strictly increasing, transitions in time order, every `leader` token among `tokens`,
 * and a `lost` naming the term that led before it. Empty when consistent.
 */
export function leaseSectionProblems(lease: CheckableLease): LeaseProblem[] {
  const out: LeaseProblem[] = [];
  const nonNegative = (path: string, v: number): void => {
    if (!(Number.isFinite(v) && v >= 0)) out.push({ path, message: `expected a number ≥ 0, got ${v}` });
  };
  nonNegative('leadingNs', lease.leadingNs);
  nonNegative('standbyNs', lease.standbyNs);
  nonNegative('standbyFrames', lease.standbyFrames);
  lease.tokens.forEach((t, i) => {
    const prev = lease.tokens[i - 1];
    if (!(Number.isSafeInteger(t) && t > 0)) {
      out.push({ path: `tokens[${i}]`, message: `expected a fencing token (an integer ≥ 1), got ${t}` });
    } else if (prev !== undefined && t <= prev) {
      out.push({
        path: `tokens[${i}]`,
        message: `token ${t} after ${prev}: a later term always has a larger token`,
      });
    }
  });
  let leading: number | null = null;
  lease.transitions.forEach((e, i) => {
    const at = `transitions[${i}]`;
    const prev = lease.transitions[i - 1];
    if (prev !== undefined && e.sinceStartNs < prev.sinceStartNs) {
      out.push({
        path: `${at}.sinceStartNs`,
        message: `${e.sinceStartNs} is before the previous transition's ${prev.sinceStartNs}`,
      });
    }
    if (e.kind === 'leader') {
      if (e.token === null || !lease.tokens.includes(e.token)) {
        out.push({
          path: `${at}.token`,
          message: `leader token ${e.token} is not among tokens [${lease.tokens.join(', ')}]`,
        });
      }
      leading = e.token;
    } else if (e.kind === 'lost') {
      if (leading === null || e.token !== leading) {
        out.push({
          path: `${at}.token`,
          message: `lost token ${e.token}, but the term leading before it was ${leading === null ? 'none' : leading}`,
        });
      }
      leading = null;
    } else if (e.kind === 'passive') {
      leading = null;
    }
  });
  return out;
}

/** What {@link describeLeaseSection} reads: a section as built, or as read back from a file. */
export type DescribableLease = Pick<
  RunReportLease,
  'key' | 'candidate' | 'leadingNs' | 'standbyNs' | 'standbyFrames' | 'tokens'
> & {
  readonly transitions: readonly Pick<
    RunReportLeaseTransition,
    'sinceStartNs' | 'kind' | 'token' | 'reason'
  >[];
  readonly transitionsDropped?: number | undefined;
  readonly errors?: number | undefined;
};

/** The role at the end of the run as the last transitions tell it. */
function lastRole(lease: Pick<DescribableLease, 'transitions'>): string {
  for (let i = lease.transitions.length - 1; i >= 0; i--) {
    const e = lease.transitions[i]!;
    if (e.kind === 'passive' && e.reason === 'stopped') continue;
    return e.kind === 'lost' ? 'passive' : e.kind;
  }
  return 'standby';
}

/** One line for the end-of-run summary and the report renderers. */
export function describeLeaseSection(lease: DescribableLease): string {
  const tokens =
    lease.tokens.length === 0
      ? 'no term held'
      : `token${lease.tokens.length > 1 ? 's' : ''} ${lease.tokens.join(', ')}`;
  return (
    `lease ${lease.key} as ${lease.candidate}: leading ${formatNs(lease.leadingNs, { maxFractionDigits: 2 })} (${tokens}), ` +
    `standby ${formatNs(lease.standbyNs, { maxFractionDigits: 2 })} (${lease.standbyFrames} frame(s) without tasks), ` +
    `${lease.transitions.length + (lease.transitionsDropped ?? 0)} transition(s), ${lastRole(lease)} at the end` +
    ((lease.errors ?? 0) > 0 ? `, ${lease.errors} failed election call(s)` : '')
  );
}

/** The transitions as table rows: at (since start), kind, token, reason. */
export function leaseTransitionRows(lease: Pick<DescribableLease, 'transitions'>): string[][] {
  return lease.transitions.map((e) => [
    `+${formatNs(e.sinceStartNs, { maxFractionDigits: 3 })}`,
    e.kind,
    e.token === null ? '' : String(e.token),
    e.reason ?? '',
  ]);
}
