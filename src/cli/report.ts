/**
 * `hardtick report <run.json> --format md|html|junit|trace [-o FILE] [--frames N]`: renders
 * a run report as evidence. Exit 0, or 2 on bad input.
 */

import {
  evaluateCheck,
  HardtickError,
  readRunReport,
  renderChromeTrace,
  renderHtml,
  renderJunit,
  renderMarkdown,
  writeReportFile,
} from '../index.js';
import { type FlagSpecs, parseFlags } from './args.js';
import type { CliIo } from './io.js';

const FORMATS = ['md', 'html', 'junit', 'trace'] as const;
type ReportFormat = (typeof FORMATS)[number];

const HELP = `Usage: hardtick report <run.json> --format md|html|junit|trace [-o FILE]

Renders a run report (hardtick run --report) as:
  md      Markdown: WCET table (with pWCET at 1e-9 when present), release
          lateness, frames, GC, alarms, pauses, environment fingerprint (default)
  html    one self-contained HTML file (no network needed to view it) with SVG
          charts: per-task execution-time histograms (log scale, budget line),
          exceedance curves (observed, and pWCET when present), the release-
          lateness distribution, a timeline of the worst traced frames, alarms
  junit   JUnit XML of the check rules without a baseline (hardtick check
          --format junit does the same with --baseline and rule options)
  trace   Chrome trace-event JSON (open in https://ui.perfetto.dev or
          chrome://tracing): the last frames of the report's trace and every
          overrun slot kept; needs a report from 'hardtick run --trace N'

Options:
  --format <f>         md (default), html, junit or trace
  -o, --output <file>  write there instead of stdout
  --frames <n>         trace: keep only the last <n> traced frames (overrun slots
                       are always kept); default: every traced frame
  -h, --help           this text

Exit codes: 0 written, 2 bad input (unreadable or invalid report, bad option).
`;

interface ReportOptions {
  readonly reportFile: string;
  readonly format: ReportFormat;
  readonly output: string | null;
  readonly frames: number | undefined;
}

/** Runs `hardtick report`; returns the exit code. */
export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  let options: ReportOptions | 'help';
  try {
    options = parseReportArgs(argv);
  } catch (error) {
    if (error instanceof HardtickError && error.code !== 'usage') throw error;
    io.err(`hardtick report: ${(error as Error).message}\nRun 'hardtick report --help' for the options.\n`);
    return 2;
  }
  if (options === 'help') {
    io.out(HELP);
    return 0;
  }
  const report = readRunReport(options.reportFile);
  let text: string;
  switch (options.format) {
    case 'md':
      text = renderMarkdown(report);
      break;
    case 'html':
      text = renderHtml(report);
      break;
    case 'junit':
      text = renderJunit(evaluateCheck({ report }), report);
      break;
    case 'trace':
      text = `${JSON.stringify(renderChromeTrace(report, options.frames === undefined ? {} : { frames: options.frames }))}\n`;
      if (report.trace === undefined && report.traceOverruns === undefined) {
        io.err(
          `hardtick report: warning: ${options.reportFile} has no trace; run with 'hardtick run --trace N --report FILE'\n`,
        );
      }
      break;
  }
  if (options.output === null) {
    io.out(text);
    return 0;
  }
  writeReportFile(options.output, text, {
    refuse: [{ path: options.reportFile, role: 'the run report being read' }],
  });
  return 0;
}

const FLAGS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  frames: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

function parseReportArgs(argv: string[]): ReportOptions | 'help' {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (values.help === true) return 'help';
  if (positionals.length !== 1) {
    throw new Error(
      positionals.length === 0
        ? 'missing the run report: hardtick report <run.json> --format md|html|junit|trace'
        : `expected one run report, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const format = values.format ?? 'md';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new Error(`--format: expected ${FORMATS.join(', ')}, got '${format}'`);
  }
  if (values.output === '') throw new Error('--output: expected a file name');
  let frames: number | undefined;
  if (values.frames !== undefined) {
    const n = /^\d+$/.test(values.frames.trim()) ? Number(values.frames.trim()) : Number.NaN;
    if (!(Number.isSafeInteger(n) && n >= 1)) {
      throw new Error(`--frames: expected a whole number of frames >= 1, got '${values.frames}'`);
    }
    if (format !== 'trace') throw new Error('--frames: only applies to --format trace');
    frames = n;
  }
  return {
    reportFile: positionals[0]!,
    format: format as ReportFormat,
    output: values.output ?? null,
    frames,
  };
}
