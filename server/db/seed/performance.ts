import type { EntityManager } from "typeorm";
import { ContractSpend } from "../../modules/contracts/contract.entities.js";
import { defaultDueDate, quarterDates, type Quarter } from "../../modules/periods/financial-year.js";
import { PeriodState, ReportingPeriod } from "../../modules/periods/reporting-period.entity.js";
import {
  PerformanceReturn,
  ReturnRevision,
  ReturnState,
  ReturnValue,
  type RevisionNarrative,
  type RevisionValue,
} from "../../modules/returns/return.entities.js";
import { between, dayOffset, gbp, insertRows, seededRandom, type KeyRegistry } from "./seed-kit.js";
import { wiltshire2023 } from "./wiltshire-2023-24.js";
import { DEMO_DUE_DATE_NOTE, demoOpenQuarterDueDate } from "./demo-clock.js";
import { INDICATORS, KPI_CONTRACTS, SHARE_OF, type KpiContract } from "./wiltshire-kpis.js";

/*
 * Wiltshire's reporting quarters and the returns providers sent for them: 2023-24 Q1–Q4 closed with every return
 * accepted (a few after being sent back, a few late), as an office would have closed them long ago; 2024-25 Q1 is the
 * demo's one open quarter, its due date ahead of the clock (illustrative), with a mix of states sent in the last weeks.
 * The figures are illustrative but deterministic (seeded by contract and quarter) and obey the return rules: whole
 * non-negative counts, and no numerator above its denominator.
 */

interface PeriodSeed extends Quarter {
  state: PeriodState;
  closedOn?: string;
  /** Overrides the default due date. */
  dueDate?: string;
}

export const WILTSHIRE_PERIODS: PeriodSeed[] = [
  { year: "2023-24", quarter: 1, state: PeriodState.CLOSED, closedOn: "2023-08-31" },
  { year: "2023-24", quarter: 2, state: PeriodState.CLOSED, closedOn: "2023-11-30" },
  { year: "2023-24", quarter: 3, state: PeriodState.CLOSED, closedOn: "2024-02-29" },
  { year: "2023-24", quarter: 4, state: PeriodState.CLOSED, closedOn: "2024-05-31" },
  // The demo's one current quarter: its due date is set from the day the demo data is loaded (illustrative), so a
  // newcomer sees what is due rather than "Late".
  { year: "2024-25", quarter: 1, state: PeriodState.OPEN, dueDate: demoOpenQuarterDueDate() },
];

type Story =
  | "accepted"
  | "accepted-late"
  | "accepted-after-return"
  | "submitted"
  | "submitted-late"
  | "returned"
  | "draft"
  | "missing";

const label = (p: Quarter) => `${p.year} Q${p.quarter}`;

/** What happened to each return, where it differs from the default (accepted when closed, missing when just opened). */
const STORIES: Record<string, Record<string, Story>> = {
  "2023-24 Q1": { "WSW-RR-01": "accepted-late" },
  "2023-24 Q2": { "WSW-VV-03": "accepted-after-return", "WSW-PY-03": "accepted-late" },
  "2023-24 Q3": { "WSW-RR-03": "accepted-after-return" },
  "2023-24 Q4": { "WSW-VV-03": "accepted-after-return", "WSW-RR-01": "accepted-late", "WSW-RR-05": "accepted-late" },
  // The open quarter, part-way through: nothing is late yet (its due date is ahead); the rest are still to come.
  "2024-25 Q1": {
    "WSW-VV-01": "accepted",
    "WSW-VV-03": "returned", // provider-a has a return to correct
    "WSW-VV-05": "submitted",
    "WSW-VV-06": "accepted",
    "WSW-VV-08": "draft", // provider-b has a draft to finish …
    "WSW-VV-09": "submitted", // … and a return awaiting review
    "WSW-VV-12": "accepted",
    "WSW-RR-01": "submitted",
    "WSW-RR-03": "submitted",
    "WSW-RR-04": "draft",
    "WSW-RR-05": "submitted",
    "WSW-PY-05": "accepted",
  },
};

function storyFor(ref: string, period: PeriodSeed): Story {
  return STORIES[label(period)]?.[ref] ?? (period.state === PeriodState.CLOSED ? "accepted" : "missing");
}

const MEASURES_OF = new Map(INDICATORS.map((i) => [i.code, [...i.numerator, ...(i.denominator ?? [])]]));

/** The quarter's figures for one contract, by measure code. */
function figures(kc: KpiContract, quarterIndex: number, random: () => number): Map<string, number> {
  const codes = new Set(Object.keys(kc.targets).flatMap((indicator) => MEASURES_OF.get(indicator)!));
  const progress = quarterIndex / (WILTSHIRE_PERIODS.length - 1);
  const values = new Map<string, number>();
  for (const code of codes) {
    if (SHARE_OF[code]) continue;
    const trend = 1 + ((kc.volumeTrend ?? 1) - 1) * progress;
    values.set(code, Math.max(0, Math.round(kc.volumes[code] * trend * between(random, 0.9, 1.1))));
  }
  for (const code of codes) {
    const of = SHARE_OF[code];
    if (!of) continue;
    const [first, last] = kc.rates![code];
    const rate = Math.min(1, Math.max(0, first + (last - first) * progress + between(random, -0.03, 0.03)));
    values.set(code, Math.round(values.get(of)! * rate));
  }
  return values;
}

const ACHIEVEMENTS = [
  "Referrals from the force now arrive electronically, with no re-keying.",
  "All caseworkers completed refresher training on victims' entitlements.",
  "The waiting list was cleared by the end of the quarter.",
  "New outreach sessions started in two market towns.",
  "Joint case reviews with partner agencies are now held monthly.",
];
const CHALLENGES = [
  "Two caseworker posts were vacant for most of the quarter.",
  "Referrals came in bursts after a change to the referral process.",
  "Court delays are making cases run longer.",
  "Some clients were hard to reach after the first contact.",
  null,
];
/** Case studies by portfolio, keyed by the middle of the contract reference ("WSW-VV-03" → VV). */
const CASE_STUDIES: Record<string, (string | null)[]> = {
  VV: [
    "A client supported through a long trial said having one named worker throughout made the difference.",
    "A victim who had declined help at first got back in touch after a follow-up call and is now receiving support.",
    null,
  ],
  RR: [
    "A man who had missed earlier appointments kept every session once they were moved to the probation office he reports to.",
    "A woman leaving custody was housed on her day of release and has stayed engaged with treatment.",
    null,
  ],
  PY: [
    "A young person who had stopped attending school re-engaged after weekly sessions and is now on a college course.",
    "Triage advice at the scene meant a person in crisis was taken to a health setting rather than into custody.",
    null,
  ],
};
const CUSTODY_CHALLENGE = "Healthcare professional vacancies on night shifts; agency staff covered some gaps.";

function narrative(ref: string, random: () => number, spendPence: number): RevisionNarrative {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  return {
    achievements: pick(ACHIEVEMENTS),
    challenges: ref === "WSW-RR-01" ? CUSTODY_CHALLENGE : pick(CHALLENGES),
    caseStudy: pick(CASE_STUDIES[ref.split("-")[1]]),
    emergingRisks: random() < 0.25 ? "Funding for next year is not yet confirmed." : null,
    spendPence,
  };
}

const FIXED_PRICE = new Set(["WSW-RR-01", "WSW-PY-01", "WSW-PY-02"]);

/** The OPCC's spend on a contract in one quarter: a quarter of its committed funding, give or take. */
function quarterSpend(ref: string, annualPence: number, p: Quarter): number {
  if (FIXED_PRICE.has(ref)) return Math.round(annualPence / 4);
  const random = seededRandom(`spend|${ref}|${label(p)}`);
  return gbp(Math.round((annualPence / 400) * between(random, 0.94, 1.03)));
}

export interface PerformanceRefs {
  officeId: number;
  keys: KeyRegistry;
  users: KeyRegistry;
}

/** Inserts Wiltshire's periods, returns (with values and revisions) and quarterly spend. Returns ids by "ref|quarter". */
export async function seedWiltshirePerformance(em: EntityManager, { officeId, keys, users }: PerformanceRefs): Promise<Map<string, number>> {
  const periods = await insertRows(
    em,
    ReportingPeriod,
    WILTSHIRE_PERIODS.map((p) => {
      const { start, end } = quarterDates(p);
      return {
        officeId,
        year: p.year,
        quarter: p.quarter,
        startDate: start,
        endDate: end,
        dueDate: p.dueDate ?? defaultDueDate(p),
        dueDateNote: p.dueDate ? DEMO_DUE_DATE_NOTE : null,
        state: p.state,
        closedAt: p.closedOn ? dayOffset(p.closedOn, 0, 17) : null,
        frozenAt: null,
      };
    }),
  );

  const contracts = new Map(wiltshire2023.contracts!.map((c) => [c.ref, c]));
  const annualFunding = (ref: string) =>
    (contracts.get(ref)!.funding ?? []).filter((f) => f.year === "2023-24").reduce((sum, f) => sum + f.amountPence, 0);

  // Finance's record of spend for the closed quarters, for every contract funded in 2023-24.
  const spend = [...contracts.values()]
    .filter((c) => annualFunding(c.ref) > 0)
    .flatMap((c) =>
      WILTSHIRE_PERIODS.filter((p) => p.state === PeriodState.CLOSED).map((p) => ({
        contractId: keys.get("contract", c.ref),
        year: p.year,
        quarter: p.quarter,
        amountPence: quarterSpend(c.ref, annualFunding(c.ref), p),
      })),
    );
  await insertRows(em, ContractSpend, spend);

  const officer = users.get("user", "officer:wiltshire");
  const returnIds = new Map<string, number>();
  const loadedOn = new Date().toISOString().slice(0, 10);

  for (const kc of KPI_CONTRACTS) {
    const contractId = keys.get("contract", kc.contract);
    const submitter = users.get("user", `provider:${contracts.get(kc.contract)!.provider}`);
    for (const [index, period] of WILTSHIRE_PERIODS.entries()) {
      const story = storyFor(kc.contract, period);
      if (story === "missing") continue;
      const random = seededRandom(`${kc.contract}|${label(period)}`);
      const due = period.dueDate ?? defaultDueDate(period);
      const values = figures(kc, index, random);
      const spendPence = quarterSpend(kc.contract, annualFunding(kc.contract), period);
      const text = narrative(kc.contract, random, spendPence);
      const asRevision = (v: Map<string, number>): RevisionValue[] =>
        [...v].map(([code, value]) => ({ measureId: keys.get("measure", code), value, comment: null }));

      const late = story.endsWith("-late");
      // The open quarter's returns came in over the last weeks before the demo was loaded, never in the future.
      const firstSubmitted =
        period.state === PeriodState.OPEN
          ? dayOffset(loadedOn, -Math.round(between(random, 12, 20)))
          : dayOffset(due, late ? Math.round(between(random, 2, 9)) : -Math.round(between(random, 1, 18)));
      const reviewed = (after: Date) => new Date(after.getTime() + Math.round(between(random, 2, 6)) * 86_400_000);

      const revisions: Partial<ReturnRevision>[] = [];
      let state: ReturnState;
      let acceptedAt: Date | null = null;
      let reviewReason: string | null = null;
      let current = values;

      if (story === "draft") {
        // A draft part-way through: the first measure is still blank.
        state = ReturnState.DRAFT;
      } else if (story === "accepted-after-return" || story === "returned") {
        // The first submission over-counted the first measure; the officer sent it back.
        const [firstCode] = [...values.keys()].filter((c) => !SHARE_OF[c]);
        const wrong = new Map(values).set(firstCode, Math.round(values.get(firstCode)! * 1.18));
        const sentBack = reviewed(firstSubmitted);
        reviewReason = "This figure is well above the last quarter's: please check it is not counting cases carried over.";
        revisions.push({
          number: 1,
          values: asRevision(wrong),
          narrative: text,
          submittedById: submitter,
          submittedAt: firstSubmitted,
          late,
          outcome: ReturnState.RETURNED,
          reviewedById: officer,
          reviewedAt: sentBack,
          reviewReason,
          measureComments: { [String(keys.get("measure", firstCode))]: "Includes cases carried over from last quarter?" },
        });
        if (story === "returned") {
          state = ReturnState.RETURNED;
          current = wrong;
        } else {
          const resubmitted = new Date(sentBack.getTime() + Math.round(between(random, 2, 5)) * 86_400_000);
          acceptedAt = reviewed(resubmitted);
          revisions.push({
            number: 2,
            values: asRevision(values),
            narrative: text,
            submittedById: submitter,
            submittedAt: resubmitted,
            late: resubmitted.toISOString().slice(0, 10) > due,
            outcome: ReturnState.ACCEPTED,
            reviewedById: officer,
            reviewedAt: acceptedAt,
            reviewReason: null,
            measureComments: null,
          });
          state = ReturnState.ACCEPTED;
          reviewReason = null;
        }
      } else {
        const accepted = story === "accepted" || story === "accepted-late";
        acceptedAt = accepted ? reviewed(firstSubmitted) : null;
        revisions.push({
          number: 1,
          values: asRevision(values),
          narrative: text,
          submittedById: submitter,
          submittedAt: firstSubmitted,
          late,
          outcome: accepted ? ReturnState.ACCEPTED : null,
          reviewedById: accepted ? officer : null,
          reviewedAt: acceptedAt,
          reviewReason: null,
          measureComments: null,
        });
        state = accepted ? ReturnState.ACCEPTED : ReturnState.SUBMITTED;
      }

      const draft = state === ReturnState.DRAFT;
      const [row] = await insertRows(em, PerformanceReturn, [
        {
          contractId,
          periodId: periods[index].id,
          state,
          revisionCount: revisions.length,
          late: revisions[0]?.late ?? false,
          achievements: text.achievements,
          challenges: draft ? null : text.challenges,
          caseStudy: draft ? null : text.caseStudy,
          emergingRisks: draft ? null : text.emergingRisks,
          spendPence: draft ? null : spendPence,
          reviewReason,
          submittedAt: revisions.at(-1)?.submittedAt ?? null,
          acceptedAt,
          acceptedById: acceptedAt ? officer : null,
        },
      ]);
      returnIds.set(`${kc.contract}|${label(period)}`, row.id);

      const codes = [...current.keys()];
      await insertRows(
        em,
        ReturnValue,
        codes.map((code, i) => ({
          returnId: row.id,
          measureId: keys.get("measure", code),
          value: draft && i === 0 ? null : current.get(code)!,
          comment: null,
        })),
      );
      await insertRows(
        em,
        ReturnRevision,
        revisions.map((r) => ({ ...r, returnId: row.id })),
      );
    }
  }
  return returnIds;
}
