import type { EntityManager } from "typeorm";
import { Decision } from "../modules/decisions/decision.entity.js";
import { Office } from "../modules/offices/office.entity.js";
import { OfficeOpenData } from "../modules/opendata/open-data-settings.entity.js";
import { PeriodState } from "../modules/periods/reporting-period.entity.js";
import { ReturnState } from "../modules/returns/return.entities.js";

/**
 * The anonymous viewer's policy: what the public transparency page and the open-data files may contain.
 * Everything public is built from these rules, so there is one place that says what the public sees:
 * - only offices that chose to publish (office_open_data.publish), looked up by their code;
 * - only published decisions;
 * - figures only from ACCEPTED returns, and scorecards only of FROZEN quarters (as the Panel was shown them);
 * - never a provider's narrative, a return's comments, a user, or anything about who did what.
 * The last rule is kept by never loading those columns into public output at all.
 */
export const PUBLIC_RETURN_STATES: readonly ReturnState[] = [ReturnState.ACCEPTED];
export const PUBLIC_PERIOD_STATES: readonly PeriodState[] = [PeriodState.FROZEN];

export function publicCanSeeDecision(decision: Pick<Decision, "published">): boolean {
  return decision.published === true;
}

/** The office behind /open/<code>/, if it publishes; null otherwise (the caller answers 404 either way). */
export async function publishedOffice(manager: EntityManager, code: string): Promise<Office | null> {
  const office = await manager.findOneBy(Office, { code });
  if (!office) return null;
  const settings = await manager.findOneBy(OfficeOpenData, { officeId: office.id });
  return settings?.publish ? office : null;
}
