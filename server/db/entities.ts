import { AuditEvent } from "../modules/audit/audit-event.entity.js";
import { ProjectBrief } from "../modules/briefs/project-brief.entity.js";
import { CoCommissioner, Contract, ContractPriority, ContractSpend, FundingLine } from "../modules/contracts/contract.entities.js";
import { Decision } from "../modules/decisions/decision.entity.js";
import { FundingStream, FundingStreamYear } from "../modules/funding/funding.entities.js";
import { ContractKpi, Indicator, IndicatorMeasure, Measure, Target } from "../modules/kpis/kpi.entities.js";
import { Office } from "../modules/offices/office.entity.js";
import { MailPreference, Notification, OfficeMailSchedule, OutboxMail } from "../modules/mail/mail.entities.js";
import { OcdsRelease } from "../modules/opendata/ocds-release.entity.js";
import { OfficeOpenData } from "../modules/opendata/open-data-settings.entity.js";
import { ReportingPeriod } from "../modules/periods/reporting-period.entity.js";
import { KeyPerformanceQuestion, KpqIndicator, PlanPriority, StrategicPlan } from "../modules/plans/plan.entities.js";
import { Portfolio, PortfolioAllocation, PortfolioPriority } from "../modules/portfolios/portfolio.entities.js";
import { Provider } from "../modules/providers/provider.entity.js";
import { PerformanceReturn, ReturnRevision, ReturnValue } from "../modules/returns/return.entities.js";
import { Risk, RiskReview } from "../modules/risks/risk.entities.js";
import { QuarterSnapshot } from "../modules/scorecards/quarter-snapshot.entity.js";
import { ContractCellParts, GroupCellParts } from "../modules/scorecards/scorecard-aggregate.entities.js";
import { QuarterChange } from "../modules/scorecards/quarter-change.entity.js";
import { User } from "../modules/users/user.entity.js";
import { DomainEvent, IdempotencyRecord } from "../realtime/domain-event.entity.js";
import { FigureFlag, ReturnComment } from "../modules/conversations/conversation.entities.js";
import { Attachment } from "../modules/attachments/attachment.entity.js";

export const entities = [
  Office,
  Provider,
  User,
  ReportingPeriod,
  StrategicPlan,
  PlanPriority,
  KeyPerformanceQuestion,
  KpqIndicator,
  FundingStream,
  FundingStreamYear,
  Portfolio,
  PortfolioPriority,
  PortfolioAllocation,
  Contract,
  ContractPriority,
  FundingLine,
  CoCommissioner,
  ContractSpend,
  Measure,
  Indicator,
  IndicatorMeasure,
  ContractKpi,
  Target,
  PerformanceReturn,
  ReturnValue,
  ReturnRevision,
  QuarterSnapshot,
  QuarterChange,
  ProjectBrief,
  Risk,
  RiskReview,
  Decision,
  AuditEvent,
  DomainEvent,
  IdempotencyRecord,
  ContractCellParts,
  GroupCellParts,
  OfficeOpenData,
  OcdsRelease,
  OutboxMail,
  Notification,
  OfficeMailSchedule,
  MailPreference,
  ReturnComment,
  FigureFlag,
  Attachment,
];
