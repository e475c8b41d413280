import type { PublishedEvent } from "./pubsub.js";

/**
 * Restores sequence order for the events one instance hears, whatever order the bus delivers them in.
 *
 * Events are numbered by the event log (domain_event.seq) and commit in that order: on SQLite the writer is
 * serial, on PostgreSQL every emit holds one advisory lock from its insert until its commit. So once event M has
 * been published (after its commit), every seq below M has either committed or never will. An event that arrives
 * ahead of a gap is held; the gap is read from the event log at once (rows that never committed are simply not
 * there), then the held event follows. Copies that arrive later by the bus are dropped by their seq.
 * Transient events (seq 0: CSV progress, user changes) pass straight through.
 */
export class Sequencer {
  private last: number | null = null;
  private readonly held = new Map<number, PublishedEvent>();
  private filling = false;

  constructor(
    private readonly emit: (event: PublishedEvent) => void,
    /** Committed events with after < seq < before, in order. */
    private readonly between: (after: number, before: number) => Promise<PublishedEvent[]>,
  ) {}

  /** Starts ordering after `head` (the log's largest seq when this instance started listening). */
  start(head: number): void {
    this.last = head;
    for (const seq of [...this.held.keys()]) if (seq <= head) this.held.delete(seq);
    this.drain();
  }

  /** The largest seq passed on so far: everything up to it is committed and delivered in order. */
  get head(): number {
    return this.last ?? 0;
  }

  push(event: PublishedEvent): void {
    if (!(event.seq > 0)) {
      this.emit(event);
      return;
    }
    if (this.last != null && event.seq <= this.last) return;
    this.held.set(event.seq, event);
    this.drain();
  }

  private drain(): void {
    if (this.last == null || this.filling) return;
    while (this.held.has(this.last! + 1)) {
      const next: PublishedEvent = this.held.get(this.last! + 1)!;
      this.held.delete(next.seq);
      this.last = next.seq;
      this.emit(next);
    }
    if (this.held.size) void this.fill();
  }

  private async fill(): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    try {
      while (this.held.size) {
        const first = Math.min(...this.held.keys());
        if (first > this.last! + 1) {
          for (const event of await this.between(this.last!, first)) {
            if (event.seq <= this.last!) continue;
            this.held.delete(event.seq);
            this.last = event.seq;
            this.emit(event);
          }
        }
        const event = this.held.get(first)!;
        this.held.delete(first);
        if (first > this.last!) {
          this.last = first;
          this.emit(event);
        }
        while (this.held.has(this.last! + 1)) {
          const next = this.held.get(this.last! + 1)!;
          this.held.delete(next.seq);
          this.last = next.seq;
          this.emit(next);
        }
      }
    } catch (error) {
      console.error("Could not read the event log to fill a gap; retrying.", error);
      setTimeout(() => void this.fill(), 200).unref();
      return;
    } finally {
      this.filling = false;
    }
  }
}
