import { AllocationKind, Direction, FundingSource, MeasureUnit, PlanKind, type OfficeSeed } from "./office-seed.js";
import { durhamServices } from "./durham-services.js";
import { gbp } from "./seed-kit.js";

/*
 * Durham, 2018-19 (seeds/004): the move from legacy and bid-based grants to commissioning by priority. Facts:
 * victims services £0.8m, community safety and prevention £0.5m, reducing reoffending £0.7m, from a discretionary
 * budget of "just over £2 million" drawn from the MoJ victims grant and the policing grant and precept.
 *
 * How the £2m divides between the two sources is not given: the split below is illustrative, chosen so that the
 * totals by priority are exact and £30k of the "just over £2m" is left unallocated. The Key Performance Questions
 * and their indicators are ours, written to show how the strategy ties spending to objectives.
 */

const YEAR = "2018-19";

export const durham: OfficeSeed = {
  office: { name: "Durham", code: "durham", commissionerTitle: "Police, Crime and Victims' Commissioner for County Durham and Darlington" },
  parts: [
    {
      plans: [
        {
          key: "strategy",
          kind: PlanKind.COMMISSIONING_STRATEGY,
          title: "OPCVC Commissioning Strategy",
          startYear: YEAR,
          endYear: "2019-20",
          priorities: [
            { key: "victims", title: "Victims services" },
            { key: "prevention", title: "Community safety and prevention" },
            { key: "reoffending", title: "Reducing reoffending" },
          ],
        },
      ],
      streams: [
        {
          key: "moj",
          name: "Ministry of Justice Victims' Services Grant",
          source: FundingSource.MOJ_VICTIMS_GRANT,
          ringFencedPurpose: "Support for victims of crime",
          years: [{ year: YEAR, amountPence: gbp(600_000), note: "Illustrative amount." }],
        },
        {
          key: "discretionary",
          name: "Policing grant and precept (discretionary commissioning)",
          source: FundingSource.PCC_BUDGET,
          years: [
            {
              year: YEAR,
              amountPence: gbp(1_430_000),
              note: "Illustrative amount; includes money once passed straight to Community Safety Partnerships.",
            },
          ],
        },
      ],
      portfolios: [
        { key: "victims", name: "Victims services", leadName: null, description: "Services that help victims of crime cope and recover.", priorities: ["strategy.victims"] },
        { key: "prevention", name: "Community safety and prevention", leadName: null, description: "Preventing crime and anti-social behaviour with local partners.", priorities: ["strategy.prevention"] },
        { key: "reoffending", name: "Reducing reoffending", leadName: null, description: "Interventions that help offenders stop offending.", priorities: ["strategy.reoffending"] },
      ],
      allocations: [
        { stream: "moj", portfolio: "victims", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Victims services (MoJ grant)", amountPence: gbp(600_000) },
        { stream: "discretionary", portfolio: "victims", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Victims services (top-up)", amountPence: gbp(200_000) },
        { stream: "discretionary", portfolio: "prevention", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Community safety and prevention", amountPence: gbp(500_000) },
        { stream: "discretionary", portfolio: "reoffending", kind: AllocationKind.PORTFOLIO, year: YEAR, label: "Reducing reoffending", amountPence: gbp(700_000) },
      ],
      measures: [
        { code: "VICTIMS_REFERRED", name: "Victims referred", unit: MeasureUnit.COUNT, minValue: 0 },
        { code: "VICTIMS_CONTACTED_2D", name: "Victims contacted within two working days", unit: MeasureUnit.COUNT, minValue: 0 },
        { code: "VICTIM_CASES_CLOSED", name: "Victim support cases closed", unit: MeasureUnit.COUNT, minValue: 0 },
        { code: "VICTIMS_COPING_BETTER", name: "Closed cases where the victim reports coping better", unit: MeasureUnit.COUNT, minValue: 0 },
        { code: "PEOPLE_ENGAGED", name: "People engaged by prevention activity", unit: MeasureUnit.COUNT, minValue: 0 },
        { code: "ASB_INCIDENTS", name: "Anti-social behaviour incidents in funded areas", unit: MeasureUnit.COUNT, minValue: 0 },
        { code: "INTERVENTION_STARTS", name: "Offenders starting an intervention", unit: MeasureUnit.COUNT, minValue: 0 },
        { code: "INTERVENTION_COMPLETIONS", name: "Offenders completing an intervention", unit: MeasureUnit.COUNT, minValue: 0 },
        { code: "COMPLETERS_NOT_REOFFENDING", name: "Completers not reoffending within 12 months", unit: MeasureUnit.COUNT, minValue: 0 },
      ],
      indicators: [
        { code: "PCT_VICTIMS_CONTACTED_2D", name: "% victims contacted within two working days", numerator: ["VICTIMS_CONTACTED_2D"], denominator: ["VICTIMS_REFERRED"], unit: MeasureUnit.PERCENT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 },
        { code: "PCT_COPING_BETTER", name: "% victims coping better at case closure", numerator: ["VICTIMS_COPING_BETTER"], denominator: ["VICTIM_CASES_CLOSED"], unit: MeasureUnit.PERCENT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 },
        { code: "PEOPLE_ENGAGED", name: "People engaged by prevention activity", numerator: ["PEOPLE_ENGAGED"], unit: MeasureUnit.COUNT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 50 },
        { code: "ASB_INCIDENTS", name: "Anti-social behaviour incidents in funded areas", numerator: ["ASB_INCIDENTS"], unit: MeasureUnit.COUNT, direction: Direction.LOWER_IS_BETTER, amberTolerance: 25 },
        { code: "PCT_COMPLETED", name: "% interventions completed", numerator: ["INTERVENTION_COMPLETIONS"], denominator: ["INTERVENTION_STARTS"], unit: MeasureUnit.PERCENT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 },
        { code: "PCT_NOT_REOFFENDING", name: "% completers not reoffending within 12 months", numerator: ["COMPLETERS_NOT_REOFFENDING"], denominator: ["INTERVENTION_COMPLETIONS"], unit: MeasureUnit.PERCENT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 },
      ],
      keyPerformanceQuestions: [
        { priority: "strategy.victims", question: "Do victims get help quickly once they are referred?", indicators: ["PCT_VICTIMS_CONTACTED_2D"] },
        { priority: "strategy.victims", question: "Are victims better able to cope and recover when support ends?", indicators: ["PCT_COPING_BETTER"] },
        { priority: "strategy.prevention", question: "Is prevention money reaching the people and places most at risk?", indicators: ["PEOPLE_ENGAGED"] },
        { priority: "strategy.prevention", question: "Is anti-social behaviour falling where we invest?", indicators: ["ASB_INCIDENTS"] },
        { priority: "strategy.reoffending", question: "Do offenders who start an intervention see it through?", indicators: ["PCT_COMPLETED"] },
        { priority: "strategy.reoffending", question: "Do people who complete an intervention stop offending?", indicators: ["PCT_NOT_REOFFENDING", "PCT_COMPLETED"] },
      ],
    },
    durhamServices,
  ],
};
