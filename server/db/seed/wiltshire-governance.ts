import type { EntityManager } from "typeorm";
import { Decision, DecisionKind } from "../../modules/decisions/decision.entity.js";
import { Risk, RiskReview, RiskStatus } from "../../modules/risks/risk.entities.js";
import { dayOffset, insertRows, type KeyRegistry } from "./seed-kit.js";

/*
 * Wiltshire's commissioning risk register, reviewed quarterly at the Commissioning Performance Board, and a few
 * published commissioning decisions. The 2023-24 plan describes the register and the custody healthcare award but not
 * the register's entries, so the risks and the wording of decisions are illustrative.
 */

interface ReviewSeed {
  quarter: `2023-24 Q${1 | 2 | 3 | 4}`;
  likelihood: number;
  impact: number;
  status: RiskStatus;
  note: string;
}

interface RiskSeed {
  portfolio?: string;
  title: string;
  description: string;
  ownerName: string;
  mitigation: string;
  escalated: boolean;
  /** Oldest first; the risk's current score and status are the last review's. */
  reviews: ReviewSeed[];
}

const RISKS: RiskSeed[] = [
  {
    portfolio: "rr",
    title: "Custody healthcare provider cannot recruit enough qualified staff",
    description: "Gaps in healthcare cover in custody put detainees at risk and keep officers waiting.",
    ownerName: "Caz Deverill-Hart",
    mitigation: "Monthly performance meetings with the provider and the other South West OPCCs; workforce recovery plan agreed as a contract variation.",
    escalated: true,
    reviews: [
      { quarter: "2023-24 Q1", likelihood: 5, impact: 4, status: RiskStatus.OPEN, note: "Attendance within 60 minutes well below target." },
      { quarter: "2023-24 Q2", likelihood: 4, impact: 4, status: RiskStatus.MITIGATING, note: "Recovery plan in place; agency cover on nights." },
      { quarter: "2023-24 Q3", likelihood: 3, impact: 4, status: RiskStatus.MITIGATING, note: "Steady improvement; still short of target." },
    ],
  },
  {
    portfolio: "vv",
    title: "Victims' services re-procurement slips past April 2024",
    description: "Four services are being reviewed or re-procured in the same year; a delay would leave victims without a contracted service.",
    ownerName: "Maria Milton",
    mitigation: "Timetable agreed with South West Police Procurement Service; extensions negotiated as a fallback.",
    escalated: false,
    reviews: [
      { quarter: "2023-24 Q1", likelihood: 3, impact: 4, status: RiskStatus.OPEN, note: "Horizon review finished on time." },
      { quarter: "2023-24 Q2", likelihood: 3, impact: 4, status: RiskStatus.OPEN, note: "Children's service tender returns fewer bids than hoped." },
      { quarter: "2023-24 Q3", likelihood: 2, impact: 4, status: RiskStatus.MITIGATING, note: "All four on track for April starts." },
    ],
  },
  {
    portfolio: "py",
    title: "Serious Violence Duty coordinator post not filled",
    description: "Without a coordinator the duty holders cannot produce the needs assessment and strategy on time.",
    ownerName: "Kelly Cullen",
    mitigation: "Recruit on behalf of the duty holders; interim cover from the portfolio team.",
    escalated: false,
    reviews: [
      { quarter: "2023-24 Q1", likelihood: 3, impact: 3, status: RiskStatus.OPEN, note: "Second recruitment round under way." },
      { quarter: "2023-24 Q2", likelihood: 1, impact: 3, status: RiskStatus.CLOSED, note: "Coordinator in post." },
    ],
  },
  {
    title: "Inflation pushes contract costs beyond the commissioning budget",
    description: "Providers' costs are rising faster than the budget, which is not increasing in 2023-24.",
    ownerName: "Rob Llewellyn",
    mitigation: "Joint funding with partners, active cost management and ending lower-value services.",
    escalated: true,
    reviews: [
      { quarter: "2023-24 Q1", likelihood: 4, impact: 3, status: RiskStatus.OPEN, note: "Pressures absorbed so far." },
      { quarter: "2023-24 Q2", likelihood: 4, impact: 3, status: RiskStatus.OPEN, note: "Two providers asking for uplifts." },
      { quarter: "2023-24 Q3", likelihood: 4, impact: 3, status: RiskStatus.MITIGATING, note: "Uplifts met from pipeline money." },
    ],
  },
];

/** The Commissioning Performance Board meets about three weeks after returns are due. */
const BOARD_DATES: Record<string, string> = {
  "2023-24 Q1": "2023-08-21",
  "2023-24 Q2": "2023-11-20",
  "2023-24 Q3": "2024-02-21",
  "2023-24 Q4": "2024-05-21",
};

export async function seedWiltshireGovernance(
  em: EntityManager,
  { officeId, keys, users, returnIds }: { officeId: number; keys: KeyRegistry; users: KeyRegistry; returnIds: Map<string, number> },
): Promise<void> {
  const officer = users.get("user", "officer:wiltshire");
  const commissioner = users.get("user", "commissioner:wiltshire");

  for (const risk of RISKS) {
    const latest = risk.reviews.at(-1)!;
    const [row] = await insertRows(em, Risk, [
      {
        officeId,
        portfolioId: keys.optional("portfolio", risk.portfolio),
        title: risk.title,
        description: risk.description,
        likelihood: latest.likelihood,
        impact: latest.impact,
        ownerName: risk.ownerName,
        mitigation: risk.mitigation,
        status: latest.status,
        escalated: risk.escalated,
      },
    ]);
    await insertRows(
      em,
      RiskReview,
      risk.reviews.map((r) => ({
        riskId: row.id,
        year: r.quarter.slice(0, 7),
        quarter: Number(r.quarter.slice(-1)),
        likelihood: r.likelihood,
        impact: r.impact,
        status: r.status,
        note: r.note,
        reviewedById: officer,
        reviewedAt: dayOffset(BOARD_DATES[r.quarter], 0, 14),
      })),
    );
  }

  const evidence = (...keysOf: string[]) => keysOf.map((k) => String(returnIds.get(k)!));
  await insertRows(em, Decision, [
    {
      officeId,
      contractId: keys.get("contract", "WSW-RR-01"),
      kind: DecisionKind.AWARD,
      title: "Award the custody healthcare contract",
      rationale:
        "Regional procurement with the other South West forces; the winning bid gave the best mix of quality and price. The OPCC takes over the contract and its £818k annual cost from Wiltshire Police.",
      evidenceReturnIds: [],
      decidedOn: "2022-10-14", // "autumn 2022"; exact date illustrative
      decidedById: commissioner,
      published: true,
    },
    {
      officeId,
      contractId: keys.get("contract", "WSW-RR-01"),
      kind: DecisionKind.VARY,
      title: "Custody healthcare: workforce recovery plan",
      rationale:
        "Attendance within 60 minutes stayed below target in the first two quarters of 2023-24. The contract is varied to add a workforce recovery plan with monthly milestones rather than re-procured.",
      evidenceReturnIds: evidence("WSW-RR-01|2023-24 Q1", "WSW-RR-01|2023-24 Q2"),
      decidedOn: "2023-12-05",
      decidedById: commissioner,
      published: true,
    },
    {
      officeId,
      contractId: keys.get("contract", "WSW-VV-01"),
      kind: DecisionKind.EXTEND,
      title: "Renew the Horizon victim and restorative services agreement",
      rationale: "The March–May 2023 review found the service meets victims' needs and the Victims' Code; a new agreement runs from June 2023.",
      evidenceReturnIds: [],
      decidedOn: "2023-05-25",
      decidedById: commissioner,
      published: true,
    },
    {
      officeId,
      contractId: keys.get("contract", "WSW-PY-03"),
      kind: DecisionKind.EXTEND,
      title: "Extend Premier League Kicks for 2024-25",
      rationale: "Attendance has held at or above target; awaiting the Q4 return before publishing.",
      evidenceReturnIds: evidence("WSW-PY-03|2023-24 Q1", "WSW-PY-03|2023-24 Q2", "WSW-PY-03|2023-24 Q3"),
      decidedOn: "2024-03-12",
      decidedById: commissioner,
      published: false,
    },
  ]);
}
