import { seededRandom } from '../../../src/lab/seededRandom.ts';

export interface PopulationOptions {
  /** User ids are 0 … users-1: dense, the case bitmaps are made for. */
  users: number;
  days: number;
  seed: number;
}

export interface Population {
  /** Sorted ids of the users active on each day. */
  activeByDay: number[][];
}

/**
 * A seeded user base with three kinds of users: most come rarely, some regularly, a few every day.
 * That mix makes "active on both days" and "active on any day of the week" differ from a coin flip,
 * so the AND/OR results are worth checking.
 */
export function generatePopulation({ users, days, seed }: PopulationOptions): Population {
  const random = seededRandom(seed);
  const propensity = new Float64Array(users);
  for (let id = 0; id < users; id++) {
    const r = random();
    propensity[id] = r < 0.7 ? 0.03 : r < 0.95 ? 0.3 : 0.85;
  }
  const activeByDay: number[][] = [];
  for (let day = 0; day < days; day++) {
    const active: number[] = [];
    for (let id = 0; id < users; id++) if (random() < propensity[id]!) active.push(id);
    activeByDay.push(active);
  }
  return { activeByDay };
}

/** Exact reference counts in plain JS, to hold Redis's answers against. */
export function exactCounts(activeByDay: number[][]) {
  const sets = activeByDay.map((ids) => new Set(ids));
  const everyDay = [...sets[0]!].filter((id) => sets.every((s) => s.has(id)));
  const anyDay = new Set(activeByDay.flat());
  return {
    perDay: sets.map((s) => s.size),
    everyDay: everyDay.length,
    anyDay: anyDay.size,
    /** Active on day 0 and again on day 1. */
    retainedDay1: [...sets[0]!].filter((id) => sets[1]!.has(id)).length,
  };
}
