import type { MigrationInterface } from "typeorm";
import { InitialSchema1700000000000 } from "./1700000000000-initial-schema.js";
import { OfficeUserVersions1701000000000 } from "./1701000000000-office-user-versions.js";
import { QuarterCorrections1704000000000 } from "./1704000000000-quarter-corrections.js";
import { PipelineDatesReportingSchedule1705000000000 } from "./1705000000000-pipeline-dates-reporting-schedule.js";
import { ScorecardAggregates1706000000000 } from "./1706000000000-scorecard-aggregates.js";
import { OfficeOpenData1708000000000 } from "./1708000000000-office-open-data.js";
import { OcdsRelease1708000000001 } from "./1708000000001-ocds-release.js";
import { Mail1710000000000 } from "./1710000000000-mail.js";
import { ConversationsAttachments1711000000000 } from "./1711000000000-conversations-attachments.js";
import { PeriodDueDateNote1712000000000 } from "./1712000000000-period-due-date-note.js";

/** Every migration, oldest first; `openDatabase()` runs the ones not yet applied. */
export const migrations: Array<new () => MigrationInterface> = [
  InitialSchema1700000000000,
  OfficeUserVersions1701000000000,
  QuarterCorrections1704000000000,
  PipelineDatesReportingSchedule1705000000000,
  ScorecardAggregates1706000000000,
  OfficeOpenData1708000000000,
  OcdsRelease1708000000001,
  Mail1710000000000,
  ConversationsAttachments1711000000000,
  PeriodDueDateNote1712000000000,
];
