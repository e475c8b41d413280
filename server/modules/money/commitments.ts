/**
 * Money that adds up: parent streams roll up their children, and committed plus planned money above a stream's
 * or a portfolio's amount is over-commitment. Pure functions; the service and the contract checks call them.
 */

export interface StreamNode {
  id: number;
  parentId: number | null;
}

export interface Figures {
  amountPence: number;
  allocatedPence: number;
  committedPence: number;
  plannedPence: number;
  spentPence: number;
}

/** Each stream's ancestors, nearest first. A loop (which the stream rules refuse) stops the walk. */
export function ancestorsOf(streams: readonly StreamNode[]): Map<number, number[]> {
  const parent = new Map(streams.map((s) => [s.id, s.parentId]));
  const result = new Map<number, number[]>();
  for (const stream of streams) {
    const chain: number[] = [];
    let next = parent.get(stream.id) ?? null;
    while (next != null && !chain.includes(next) && next !== stream.id) {
      chain.push(next);
      next = parent.get(next) ?? null;
    }
    result.set(stream.id, chain);
  }
  return result;
}

/**
 * A parent stream's figures are its own plus all of its descendants' (the Safer Dorset Fund holds nothing itself
 * and £2.45m through its five funds). Returns new figures; the input is left alone.
 */
export function rollUp<T extends Figures>(streams: readonly StreamNode[], own: ReadonlyMap<number, T>): Map<number, T> {
  const rolled = new Map<number, T>([...own].map(([id, f]) => [id, { ...f }]));
  const ancestors = ancestorsOf(streams);
  for (const stream of streams) {
    const mine = own.get(stream.id);
    if (!mine) continue;
    for (const ancestor of ancestors.get(stream.id) ?? []) {
      const target = rolled.get(ancestor);
      if (!target) continue;
      target.amountPence += mine.amountPence;
      target.allocatedPence += mine.allocatedPence;
      target.committedPence += mine.committedPence;
      target.plannedPence += mine.plannedPence;
      target.spentPence += mine.spentPence;
    }
  }
  return rolled;
}

/** How far committed plus planned money goes beyond the amount: 0 when it fits. */
export function overCommittedPence(amountPence: number, committedPence: number, plannedPence: number): number {
  return Math.max(0, committedPence + plannedPence - amountPence);
}

const pounds = (pence: number) => `£${(pence / 100).toLocaleString("en-GB", { maximumFractionDigits: 2 })}`;

/** "Committed £178,000 + planned £523,000 is £11,000 more than the £690,000 available." */
export function overCommitmentWarning(figures: { amountPence: number; committedPence: number; plannedPence: number }, of = "available"): string | null {
  const over = overCommittedPence(figures.amountPence, figures.committedPence, figures.plannedPence);
  if (!over) return null;
  return `Over-committed: committed ${pounds(figures.committedPence)} + planned ${pounds(figures.plannedPence)} is ${pounds(over)} more than the ${pounds(figures.amountPence)} ${of}.`;
}

/**
 * Whether a change to funding lines makes a budget over-committed, or more over-committed than it was. A budget
 * already over (old data) does not block edits that leave it no worse; only growth beyond what remains is refused.
 */
export function commitmentRefused(amountPence: number, usedBefore: number, usedAfter: number): boolean {
  return usedAfter > usedBefore && usedAfter > amountPence;
}

export { pounds as formatPounds };
