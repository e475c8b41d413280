import type { NonEmptyArray } from "type-graphql";
import { AuditResolver } from "./modules/audit/audit.resolver.js";
import { BenchmarkResolver } from "./modules/benchmarking/benchmark.resolver.js";
import { ProjectBriefResolver } from "./modules/briefs/brief.resolver.js";
import { ContractResolver, FundingLineResolver } from "./modules/contracts/contract.resolver.js";
import { DecisionResolver } from "./modules/decisions/decision.resolver.js";
import { FundingStreamResolver } from "./modules/funding/funding.resolver.js";
import { ContractKpiResolver, IndicatorResolver, MeasureResolver, TargetResolver } from "./modules/kpis/kpi.resolver.js";
import { MoneyResolver, PortfolioMoneyResolver, PriorityMoneyResolver } from "./modules/money/money.resolver.js";
import { OfficeResolver } from "./modules/offices/office.resolver.js";
import { OpenDataResolver } from "./modules/opendata/open-data.resolver.js";
import { ReportingPeriodResolver } from "./modules/periods/period.resolver.js";
import { KeyPerformanceQuestionResolver, PlanPriorityResolver, StrategicPlanResolver } from "./modules/plans/plan.resolver.js";
import { AllocationResolver, PortfolioResolver } from "./modules/portfolios/portfolio.resolver.js";
import { ProviderResolver } from "./modules/providers/provider.resolver.js";
import { ReturnResolver, ReturnRevisionResolver, ReturnValueResolver } from "./modules/returns/return.resolver.js";
import { ReturnCsvResolver } from "./modules/returns/return-csv.resolver.js";
import { RiskResolver } from "./modules/risks/risk.resolver.js";
import { AttentionItemResolver, BoardAttentionResolver } from "./modules/scorecards/attention.resolver.js";
import { FreezeResolver, QuarterChangeResolver } from "./modules/scorecards/freeze.resolver.js";
import { IndicatorStatusResolver, ScorecardResolver, ScorecardRowResolver } from "./modules/scorecards/scorecard.resolver.js";
import { UserResolver } from "./modules/users/user.resolver.js";
import { ContractFlagsResolver, FigureFlagResolver, ReturnCommentResolver, ReturnConversationResolver } from "./modules/conversations/conversation.resolver.js";
import { AttachmentResolver, BriefAttachmentsResolver, DecisionAttachmentsResolver } from "./modules/attachments/attachment.resolver.js";
import { MailResolver } from "./modules/mail/mail.resolver.js";

// Each module's resolver classes; keep one line per module.
export const resolvers: NonEmptyArray<Function> = [
  UserResolver,
  OfficeResolver,
  ProviderResolver,
  ReportingPeriodResolver,
  FundingStreamResolver,
  PortfolioResolver,
  AllocationResolver,
  ContractResolver,
  FundingLineResolver,
  ReturnResolver,
  ReturnValueResolver,
  ReturnRevisionResolver,
  RiskResolver,
  ScorecardResolver,
  FreezeResolver,
  QuarterChangeResolver,
  MoneyResolver,
  PortfolioMoneyResolver,
  PriorityMoneyResolver,
  ScorecardRowResolver,
  IndicatorStatusResolver,
  ProjectBriefResolver,
  DecisionResolver,
  AuditResolver,
  StrategicPlanResolver, PlanPriorityResolver, KeyPerformanceQuestionResolver,
  MeasureResolver, IndicatorResolver, ContractKpiResolver, TargetResolver,
  ReturnCsvResolver,
  BoardAttentionResolver, AttentionItemResolver,
  OpenDataResolver,
  BenchmarkResolver,
  ReturnCommentResolver, FigureFlagResolver, ReturnConversationResolver, ContractFlagsResolver,
  AttachmentResolver, DecisionAttachmentsResolver, BriefAttachmentsResolver,
  MailResolver,
];
