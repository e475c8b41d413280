import type { DeepPartial, EntityManager, EntityTarget, ObjectLiteral } from "typeorm";

/** Whole pounds to pence. Every amount in the seed files is written in pounds so it reads like the source documents. */
export function gbp(pounds: number): number {
  return Math.round(pounds * 100);
}

/** Thousands of pounds (the unit of Dorset's tables) to pence. */
export function gbpK(thousands: number): number {
  return Math.round(thousands * 1000 * 100);
}

/**
 * The one insert routine the seed uses. `save` (not `insert`) so generated ids, versions and time-stamps come back
 * on the rows, and so TypeORM handles drivers that cannot return ids from a multi-row insert.
 */
export async function insertRows<E extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<E>,
  rows: NoInfer<DeepPartial<E>>[],
): Promise<E[]> {
  if (rows.length === 0) return [];
  return (await em.getRepository(target).save(rows, { chunk: 200, reload: true })) as E[];
}

/**
 * Seed files refer to each other's rows by readable keys ("vv", "pcp2022.p4", "WSW-RR-01"); the registry turns a key
 * into the id the database gave the row. An unknown key is a typo in the data, so it fails at once.
 */
export class KeyRegistry {
  private readonly ids = new Map<string, number>();

  constructor(private readonly scope: string) {}

  set(kind: string, key: string, id: number): void {
    const name = `${kind}:${key}`;
    if (this.ids.has(name)) throw new Error(`Seed data (${this.scope}) defines ${name} twice`);
    this.ids.set(name, id);
  }

  get(kind: string, key: string): number {
    const id = this.ids.get(`${kind}:${key}`);
    if (id === undefined) throw new Error(`Seed data (${this.scope}) refers to unknown ${kind} "${key}"`);
    return id;
  }

  optional(kind: string, key: string | undefined | null): number | null {
    return key ? this.get(kind, key) : null;
  }
}

/**
 * A small deterministic pseudo-random generator (mulberry32) seeded from a string, so the illustrative performance
 * figures are the same on every machine and every run.
 */
export function seededRandom(seedText: string): () => number {
  let h = 1779033703 ^ seedText.length;
  for (let i = 0; i < seedText.length; i++) {
    h = Math.imul(h ^ seedText.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value between `low` and `high` from the generator. */
export function between(random: () => number, low: number, high: number): number {
  return low + (high - low) * random();
}

/** ISO date `days` after (or before) an ISO date, at the given UTC hour. */
export function dayOffset(isoDate: string, days: number, hourUtc = 10): Date {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d;
}
