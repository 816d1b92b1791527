// Per-second charts from report timelines: each run on its own clock, partial tails folded in, runs of a series in turn.
//
// A run's timeline has one point per second since its measured phase began; the last point usually covers only the
// few milliseconds before the run ended (a 1.003 s run has a second 1 of 3 ms). Plotted as a second it reads as a
// stall (110 requests "per second" against 30,000). Merged reports (--runs N, suite cases) concatenate their runs'
// timelines (merge.ts), each run starting at the next whole second. Here every run is cut back out, its tail folded
// into its previous second (a rate over 1.003 s), and the runs placed one after another on a shared grid of seconds.

import type { RunReport } from '../schema.js';
import { timelineOffsetSec } from '../merge.js';

type Point = RunReport['timeline'][number];

/** One plotted second (or a run shorter than a second, scaled): counts over `spanSec` of measured time. */
export interface TimelineSlot {
  /** 0-based run of the report (its `runs[]` index), and the second within that run. */
  readonly run: number;
  readonly second: number;
  /** Measured time this slot covers: 1, 1 + a folded tail, or less than 1 for a run shorter than a second. */
  readonly spanSec: number;
  readonly requests: number;
  readonly errors: number;
  /** The p99 of the slot's whole second (a folded tail's few requests do not set it); null with no request. */
  readonly p99Ms: number | null;
}

/** The measured length of each run a report holds: `runs[]` when merged, else the report itself. */
function runDurations(report: RunReport): number[] {
  return report.runs && report.runs.length > 1 ? report.runs.map((run) => run.durationSec) : [report.durationSec];
}

/** A run's points on its own clock, the partial tail folded into the second before it (or scaled when it is alone). */
function runSlots(points: readonly Point[], run: number, durationSec: number): TimelineSlot[] {
  const slots: TimelineSlot[] = [];
  for (const point of points) {
    const span = Math.max(0, Math.min(1, durationSec - point.second));
    const previous = slots[slots.length - 1];
    if (span < 1 && previous !== undefined) {
      slots[slots.length - 1] = {
        ...previous,
        spanSec: previous.spanSec + span,
        requests: previous.requests + point.requests,
        errors: previous.errors + point.errors,
        p99Ms: previous.p99Ms ?? (point.requests > 0 ? point.p99Ms : null),
      };
      continue;
    }
    // A run shorter than a second (or a point past the run's end in a foreign report) keeps a usable span.
    const spanSec = span > 0 ? span : 1;
    slots.push({ run, second: point.second, spanSec, requests: point.requests, errors: point.errors, p99Ms: point.requests > 0 ? point.p99Ms : null });
  }
  return slots;
}

/** Every plotted second of a report: its runs in order, each on its own clock. */
export function timelineSlots(report: RunReport): TimelineSlot[] {
  const durations = runDurations(report);
  const out: TimelineSlot[] = [];
  let offset = 0;
  durations.forEach((durationSec, run) => {
    const width = timelineOffsetSec(durationSec);
    const last = run === durations.length - 1;
    const points = report.timeline
      .filter((point) => point.second >= offset && (last || point.second < offset + width))
      .map((point) => ({ ...point, second: point.second - offset }));
    out.push(...runSlots(points, run, durationSec));
    offset += width;
  });
  return out;
}

/** The x position of each slot on a shared grid: seconds of measured time, runs one after another. */
export function slotLabel(slot: TimelineSlot, runs: number): string {
  const end = slot.second + slot.spanSec;
  const range = `${slot.second}–${Number(end.toFixed(3))} s`;
  return runs > 1 ? `run ${slot.run + 1}, ${range}` : range;
}
