import {
  assertObjectType,
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
} from "graphql";
import type { Context } from "../context.js";
import { forbidden, notFound } from "../errors.js";
import { AuditEvent } from "../modules/audit/audit-event.entity.js";
import { ProjectBrief } from "../modules/briefs/project-brief.entity.js";
import { CoCommissioner, Contract, ContractSpend, FundingLine } from "../modules/contracts/contract.entities.js";
import { Decision } from "../modules/decisions/decision.entity.js";
import { FundingStream, FundingStreamYear } from "../modules/funding/funding.entities.js";
import { ContractKpi, Indicator, Measure, Target } from "../modules/kpis/kpi.entities.js";
import { Office } from "../modules/offices/office.entity.js";
import { OfficeOpenData } from "../modules/opendata/open-data-settings.entity.js";
import { ReportingPeriod } from "../modules/periods/reporting-period.entity.js";
import { MailPreference, Notification, OfficeMailSchedule, OutboxMail } from "../modules/mail/mail.entities.js";
import { KeyPerformanceQuestion, PlanPriority, StrategicPlan } from "../modules/plans/plan.entities.js";
import { Portfolio, PortfolioAllocation } from "../modules/portfolios/portfolio.entities.js";
import { Provider } from "../modules/providers/provider.entity.js";
import { PerformanceReturn, ReturnRevision, ReturnValue } from "../modules/returns/return.entities.js";
import { Risk, RiskReview } from "../modules/risks/risk.entities.js";
import { OFFICE_READERS, OFFICE_WRITERS, Role } from "../modules/users/role.js";
import { User } from "../modules/users/user.entity.js";
import { FigureFlag, ReturnComment } from "../modules/conversations/conversation.entities.js";
import { Attachment, AttachmentOwner } from "../modules/attachments/attachment.entity.js";
import { canReadOffice, canSee, canSeeReturn, isCrossOffice } from "./access.js";

/**
 * One read policy per GraphQL object type, applied where records leave the server: every field whose type is
 * an object type (root queries, mutations' results, nested field resolvers, subscription payloads) passes its
 * result through the policy of that type before anything below it resolves. So a nested path can never reach
 * a record that the type's policy refuses, however the resolver loaded it (DataLoader, SQL, an event).
 *
 * Refusals: a list drops what the viewer may not see; a nullable field answers null; a non-null field that would
 * hold a refused record fails with FORBIDDEN (NOT_FOUND on a root field: we do not confirm that it exists).
 * `applyAccessPolicies` refuses to build a schema with an object type that has no policy here.
 */

type MaybePromise<T> = T | Promise<T>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value != null && typeof (value as { then?: unknown }).then === "function";
}

/** Applies `next` now if the value is already there, later if it is a promise: most checks never wait. */
function then<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isThenable(value) ? (value as Promise<T>).then(next) : next(value as T);
}

interface Footprint {
  offices: Set<number>;
  portfolios: Set<number>;
  streams: Set<number>;
}

/**
 * Who is asking, and what their provider holds: computed at most once per request (per event for subscriptions).
 * It remembers every record a check has seen, so a funding line's check finds its contract without waiting.
 */
export class ViewerScope {
  private footprint?: MaybePromise<Footprint>;
  private officeProviders?: MaybePromise<Set<number>>;
  private readonly seen = new Map<string, Map<number, unknown>>();

  constructor(
    readonly viewer: User,
    private readonly ctx: Context,
  ) {}

  remember(typeName: string, row: { id?: unknown }): void {
    if (typeof row.id !== "number") return;
    let rows = this.seen.get(typeName);
    if (!rows) this.seen.set(typeName, (rows = new Map()));
    rows.set(row.id, row);
  }

  /** A record by id through the request's DataLoader (so checks of a whole list cost one batched query). */
  load<T extends { id: number }>(entity: new () => T, id: number | null | undefined): MaybePromise<T | null> {
    if (id == null) return null;
    const known = this.seen.get(entity.name)?.get(id);
    if (known) return known as T;
    return this.ctx.loaders
      .byId<T>(entity)
      .load(id)
      .then((row) => {
        if (row) this.remember(entity.name, row);
        return row;
      });
  }

  /** A provider user's offices, portfolios and funding streams: those of its own contracts. */
  providerFootprint(): MaybePromise<Footprint> {
    this.footprint ??= (async () => {
      const manager = this.ctx.services.db.manager;
      const providerId = this.viewer.providerId ?? -1;
      const contracts: { officeId: number; portfolioId: number }[] = await manager
        .createQueryBuilder(Contract, "c")
        .select(["c.officeId AS \"officeId\"", "c.portfolioId AS \"portfolioId\""])
        .where("c.providerId = :providerId", { providerId })
        .getRawMany();
      const streams: { streamId: number }[] = await manager
        .createQueryBuilder(FundingLine, "l")
        .innerJoin(Contract, "c", "c.id = l.contractId")
        .select("DISTINCT l.streamId", "streamId")
        .where("c.providerId = :providerId", { providerId })
        .getRawMany();
      const footprint = {
        offices: new Set(contracts.map((c) => Number(c.officeId))),
        portfolios: new Set(contracts.map((c) => Number(c.portfolioId))),
        streams: new Set(streams.map((s) => Number(s.streamId))),
      };
      this.footprint = footprint;
      return footprint;
    })();
    return this.footprint;
  }

  /** The providers holding contracts with the viewer's office (whose users office staff may see). */
  providersOfOffice(): MaybePromise<Set<number>> {
    this.officeProviders ??= (async () => {
      const rows: { providerId: number }[] = await this.ctx.services.db.manager
        .createQueryBuilder(Contract, "c")
        .select("DISTINCT c.providerId", "providerId")
        .where("c.officeId = :officeId", { officeId: this.viewer.officeId ?? -1 })
        .getRawMany();
      const providers = new Set(rows.map((r) => Number(r.providerId)));
      this.officeProviders = providers;
      return providers;
    })();
    return this.officeProviders;
  }
}

const scopes = new WeakMap<object, ViewerScope>();

/** The viewer's scope for this request. Subscriptions get fresh loaders per event, and so a fresh scope. */
export function scopeOf(ctx: Context): ViewerScope | null {
  if (!ctx?.user) return null;
  let scope = scopes.get(ctx.loaders);
  if (!scope || scope.viewer !== ctx.user) {
    scope = new ViewerScope(ctx.user, ctx);
    scopes.set(ctx.loaders, scope);
  }
  return scope;
}

type Check<T> = (viewer: User, row: T, scope: ViewerScope) => MaybePromise<boolean>;

interface EntityPolicy<T> {
  kind: "entity";
  read: Check<T>;
  /** Scalar fields that some viewers of a visible record still may not see: answered as null. */
  fields?: Record<string, Check<T>>;
}

interface DerivedPolicy {
  kind: "derived";
  /** Computed figures with no owner of their own: their root field scopes them; these roles may receive them. */
  roles: readonly Role[] | "any";
}

type Policy = EntityPolicy<never> | DerivedPolicy;

function entity<T>(read: Check<T>, fields?: Record<string, Check<T>>): Policy {
  return { kind: "entity", read, fields } as unknown as Policy;
}

const derived = (roles: readonly Role[] | "any"): Policy => ({ kind: "derived", roles });

const isProvider = (viewer: User) => viewer.role === Role.PROVIDER;
const notProvider = (viewer: User) => !isProvider(viewer);

/** Office records that every reader of the office sees, and a provider only in offices where it holds a contract. */
function officeOrProviderOffice(viewer: User, officeId: number, scope: ViewerScope): MaybePromise<boolean> {
  if (!isProvider(viewer)) return canReadOffice(viewer, officeId);
  return then(scope.providerFootprint(), (f) => f.offices.has(officeId));
}

/** Contract-level records: visible with their contract (office readers; the provider that holds it). */
function withContract(viewer: User, contractId: number, scope: ViewerScope): MaybePromise<boolean> {
  return then(scope.load(Contract, contractId), (contract) => contract != null && canSee(viewer, contract));
}

const canReadReturn = canSeeReturn;

function withReturn(viewer: User, returnId: number, scope: ViewerScope): MaybePromise<boolean> {
  return then(scope.load(PerformanceReturn, returnId), (ret) =>
    ret == null ? false : then(scope.load(Contract, ret.contractId), (contract) => contract != null && canReadReturn(viewer, contract, ret.state)),
  );
}

/** Staff of the office only: office money, plans, risks, briefs. Never a provider. */
const officeStaff = (viewer: User, officeId: number | null | undefined) => officeId != null && canReadOffice(viewer, officeId);

function streamOffice(streamId: number, scope: ViewerScope): MaybePromise<number | null> {
  return then(scope.load(FundingStream, streamId), (s) => s?.officeId ?? null);
}

function planOffice(planId: number, scope: ViewerScope): MaybePromise<number | null> {
  return then(scope.load(StrategicPlan, planId), (p) => p?.officeId ?? null);
}

function priorityOffice(priorityId: number, scope: ViewerScope): MaybePromise<number | null> {
  return then(scope.load(PlanPriority, priorityId), (p) => (p ? planOffice(p.planId, scope) : null));
}

/**
 * Which users a viewer may see at all: themselves; administrators everyone; office staff their office's users,
 * administrators and the users of providers holding contracts with their office; provider users their own
 * provider's users and the staff of the offices they hold contracts with (as names and roles).
 */
function canReadUser(viewer: User, user: User, scope: ViewerScope): MaybePromise<boolean> {
  if (viewer.id === user.id || isCrossOffice(viewer) || user.role === Role.ADMIN) return true;
  if (isProvider(viewer)) {
    if (user.providerId != null) return user.providerId === viewer.providerId;
    return user.officeId != null && then(scope.providerFootprint(), (f) => f.offices.has(user.officeId!));
  }
  if (user.officeId != null) return user.officeId === viewer.officeId;
  return user.providerId != null && then(scope.providersOfOffice(), (providers) => providers.has(user.providerId!));
}

/** Providers never see a staff member's e-mail address: their own provider's users only. */
function canReadEmail(viewer: User, user: User): boolean {
  if (!isProvider(viewer)) return true;
  return user.id === viewer.id || (user.providerId != null && user.providerId === viewer.providerId);
}

function attachmentOwnerVisible(viewer: User, a: Attachment, scope: ViewerScope): MaybePromise<boolean> {
  if (a.ownerType === AttachmentOwner.RETURN) return withReturn(viewer, a.returnId ?? -1, scope);
  if (a.ownerType === AttachmentOwner.DECISION) return then(scope.load(Decision, a.decisionId), (d) => d != null && readAs("Decision", viewer, d, scope));
  if (a.ownerType === AttachmentOwner.BRIEF) return then(scope.load(ProjectBrief, a.briefId), (b) => b != null && readAs("ProjectBrief", viewer, b, scope));
  return false;
}

/** Another type's entity policy, for records whose visibility is their owner's. */
function readAs(typeName: string, viewer: User, row: unknown, scope: ViewerScope): MaybePromise<boolean> {
  const policy = POLICIES[typeName];
  return policy?.kind === "entity" ? (policy as EntityPolicy<unknown>).read(viewer, row, scope) : false;
}

/** The policies, by GraphQL type name. */
export const POLICIES: Record<string, Policy> = {
  // Tenancy and people.
  Office: entity<Office>((v, o, s) => officeOrProviderOffice(v, o.id, s)),
  // The register of providers is shared by every office; a provider's users see only their own provider.
  Provider: entity<Provider>((v, p) => !isProvider(v) || v.providerId === p.id),
  User: entity<User>(canReadUser, { email: canReadEmail }),
  ReportingPeriod: entity<ReportingPeriod>((v, p, s) => officeOrProviderOffice(v, p.officeId, s)),
  AuditEvent: entity<AuditEvent>((v, e) => (e.officeId == null ? isCrossOffice(v) : OFFICE_WRITERS.includes(v.role) && canReadOffice(v, e.officeId))),

  // Money. A provider sees the funding lines of its own contracts (the amounts it is paid, and the name of each
  // stream that pays them); never a stream's yearly amounts, an allocation, or any stream that does not fund it.
  FundingStream: entity<FundingStream>((v, f, s) => (isProvider(v) ? then(s.providerFootprint(), (p) => p.streams.has(f.id)) : canReadOffice(v, f.officeId))),
  FundingStreamYear: entity<FundingStreamYear>((v, y, s) => then(streamOffice(y.streamId, s), (office) => officeStaff(v, office))),
  Portfolio: entity<Portfolio>((v, p, s) => (isProvider(v) ? then(s.providerFootprint(), (f) => f.portfolios.has(p.id)) : canReadOffice(v, p.officeId))),
  PortfolioAllocation: entity<PortfolioAllocation>((v, a, s) => then(streamOffice(a.streamId, s), (office) => officeStaff(v, office))),

  // Contracts and what hangs off them.
  // A provider sees its own contract, with its value, but not the office's re-procurement plan for it.
  Contract: entity<Contract>((v, c) => canSee(v, c), { reviewWindow: notProvider, plannedStartDate: notProvider, potentialValuePence: notProvider, fundingPence: notProvider, reviewStartDate: notProvider, reviewEndDate: notProvider, reprocurementDue: notProvider, endsWithoutPlan: notProvider }),
  FundingLine: entity<FundingLine>((v, l, s) => withContract(v, l.contractId, s)),
  CoCommissioner: entity<CoCommissioner>((v, c, s) => withContract(v, c.contractId, s)),
  ContractSpend: entity<ContractSpend>((v, c, s) => withContract(v, c.contractId, s)),
  ContractKpi: entity<ContractKpi>((v, k, s) => withContract(v, k.contractId, s)),
  Target: entity<Target>((v, t, s) => {
    if (t.contractId != null) return withContract(v, t.contractId, s);
    if (t.portfolioId != null) return then(s.load(Portfolio, t.portfolioId), (p) => officeStaff(v, p?.officeId));
    return then(s.load(Indicator, t.indicatorId), (i) => officeStaff(v, i?.officeId));
  }),
  Measure: entity<Measure>((v, m, s) => officeOrProviderOffice(v, m.officeId, s)),
  Indicator: entity<Indicator>((v, i, s) => officeOrProviderOffice(v, i.officeId, s)),

  // Returns: analysts see accepted ones only.
  PerformanceReturn: entity<PerformanceReturn>((v, r, s) => then(s.load(Contract, r.contractId), (contract) => contract != null && canReadReturn(v, contract, r.state))),
  ReturnValue: entity<ReturnValue>((v, r, s) => withReturn(v, r.returnId, s)),
  ReturnRevision: entity<ReturnRevision>((v, r, s) => withReturn(v, r.returnId, s)),
  // A return's conversation is seen by exactly those who see the return (analysts: accepted returns only).
  ReturnComment: entity<ReturnComment>((v, c, s) => withReturn(v, c.returnId, s)),
  FigureFlag: entity<FigureFlag>((v, f, s) => withReturn(v, f.returnId, s)),
  // A file is seen by exactly those who see what it is attached to: that record's own policy, not a second rule.
  Attachment: entity<Attachment>((v, a, s) => attachmentOwnerVisible(v, a, s)),

  // The office's own governance: its staff only.
  StrategicPlan: entity<StrategicPlan>((v, p) => officeStaff(v, p.officeId)),
  PlanPriority: entity<PlanPriority>((v, p, s) => then(planOffice(p.planId, s), (office) => officeStaff(v, office))),
  KeyPerformanceQuestion: entity<KeyPerformanceQuestion>((v, q, s) => then(priorityOffice(q.priorityId, s), (office) => officeStaff(v, office))),
  Risk: entity<Risk>((v, r) => officeStaff(v, r.officeId)),
  RiskReview: entity<RiskReview>((v, r, s) => then(s.load(Risk, r.riskId), (risk) => officeStaff(v, risk?.officeId))),
  ProjectBrief: entity<ProjectBrief>((v, b) => officeStaff(v, b.officeId)),
  // Analysts see published decisions only.
  OfficeOpenData: entity<OfficeOpenData>((v, o) => officeStaff(v, o.officeId)),
  Decision: entity<Decision>((v, d) => officeStaff(v, d.officeId) && (v.role !== Role.ANALYST || d.published)),

  // Figures computed for one office by their root field, which checks the office: no owner of their own.
  Completeness: derived(OFFICE_READERS),
  FrozenQuarter: derived(OFFICE_READERS),
  Restatement: derived(OFFICE_READERS),
  Benchmarks: derived(OFFICE_READERS),
  BenchmarkIndicator: derived(OFFICE_READERS),
  BenchmarkQuarter: derived(OFFICE_READERS),
  BenchmarkFigure: derived(OFFICE_READERS),
  MoneyRestatement: derived(OFFICE_READERS),
  QuarterChange: derived(OFFICE_READERS),
  MoneySummary: derived(OFFICE_READERS),
  StreamMoney: derived(OFFICE_READERS),
  PortfolioMoney: derived(OFFICE_READERS),
  PriorityMoney: derived(OFFICE_READERS),
  ProvenanceEntry: derived(OFFICE_READERS),
  ProvenanceValue: derived(OFFICE_READERS),
  RiskHeatMap: derived(OFFICE_READERS),
  BoardAttention: derived(OFFICE_READERS),
  AttentionItem: derived(OFFICE_READERS),
  RiskHeatMapCell: derived(OFFICE_READERS),
  IndicatorStatus: derived(OFFICE_READERS),
  ScorecardUpdate: derived(OFFICE_READERS),
  OfficeScorecardUpdate: derived(OFFICE_READERS),
  // Scorecards: the office's (office readers) or one contract's (its provider too).
  Scorecard: derived("any"),
  ScorecardRow: derived("any"),
  ScorecardCell: derived("any"),
  // Shapes around records that carry their own policies (pages, events, results of one return's checks).
  AuthPayload: derived("any"),
  ContractPage: derived("any"),
  ReturnPage: derived("any"),
  ProviderPage: derived("any"),
  AuditEventPage: derived("any"),
  ContractChanged: derived("any"),
  ReturnChanged: derived("any"),
  ConversationChanged: derived("any"),
  AttachmentLimits: derived("any"),
  CsvImportProgress: derived("any"),
  CsvImportResult: derived("any"),
  ReturnCheckResult: derived("any"),
  FieldProblemType: derived("any"),
  OutlierType: derived("any"),
  RevisionChangeType: derived("any"),
  RevisionValueType: derived("any"),
  MeasureComment: derived("any"),

  // Mail: your own notifications and preferences; the office's schedule for its staff; the outbox for administrators
  // (one with a home office: that office's mail only).
  Notification: entity<Notification>((v, n) => v.id === n.userId),
  NotificationsUpdate: derived("any"),
  MailPreference: entity<MailPreference>((v, p) => v.id === p.userId),
  OfficeMailSchedule: entity<OfficeMailSchedule>((v, s) => officeStaff(v, s.officeId)),
  OutboxMail: entity<OutboxMail>((v, m) => v.role === Role.ADMIN && (v.officeId == null || v.officeId === m.officeId)),
};

const ROOT_TYPES = new Set(["Query", "Mutation", "Subscription"]);

/** Object types of the schema that have no policy (the schema refuses to build with any). */
export function typesWithoutPolicy(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter((t) => isObjectType(t) && !t.name.startsWith("__") && !ROOT_TYPES.has(t.name) && !POLICIES[t.name])
    .map((t) => t.name);
}

/** Whether the viewer may read this record of this GraphQL type. */
export function mayRead(ctx: Context, typeName: string, row: unknown): MaybePromise<boolean> {
  const policy = POLICIES[typeName];
  if (!policy) return false;
  const scope = scopeOf(ctx);
  if (policy.kind === "derived") return policy.roles === "any" || (scope != null && policy.roles.includes(scope.viewer.role));
  if (!scope || row == null) return false;
  scope.remember(typeName, row as { id?: unknown });
  return (policy as EntityPolicy<unknown>).read(scope.viewer, row, scope);
}

/** The offices a provider user holds contracts with (empty for anyone else). */
export async function providerOffices(ctx: Context): Promise<Set<number>> {
  const scope = scopeOf(ctx);
  if (!scope || !isProvider(scope.viewer)) return new Set();
  return (await scope.providerFootprint()).offices;
}

/** A record by id, or NOT_FOUND when there is none or the viewer may not see it: for every by-id lookup. */
export async function loadVisible<T extends { id: number }>(ctx: Context, entityClass: new () => T, id: number, typeName = entityClass.name, label = typeName): Promise<T> {
  const row = await ctx.loaders.byId<T>(entityClass).load(id);
  if (!row || !(await mayRead(ctx, typeName, row))) throw notFound(label, id);
  return row;
}

/** Keeps the visible items of a (possibly nested) list; a refused single value becomes null or an error. */
function guardValue(ctx: Context, type: GraphQLOutputType, typeName: string, value: unknown, root: boolean): MaybePromise<unknown> {
  if (value == null) return value;
  const inner = getNullableType(type);
  if (isListType(inner)) return visibleItems(ctx, inner.ofType, typeName, value as Iterable<unknown>);
  return then(mayRead(ctx, typeName, value), (allowed) => {
    if (allowed) return value;
    if (!isNonNullType(type)) return null;
    throw root ? notFound(typeName, "") : forbidden(`You cannot see this ${typeName}.`);
  });
}

function visibleItems(ctx: Context, itemType: GraphQLOutputType, typeName: string, items: Iterable<unknown>): MaybePromise<unknown[]> {
  const list = [...items];
  const inner = getNullableType(itemType);
  if (isListType(inner)) {
    const nested = list.map((item) => (item == null ? item : visibleItems(ctx, inner.ofType, typeName, item as Iterable<unknown>)));
    return nested.some(isThenable) ? Promise.all(nested) : nested;
  }
  const allowed = list.map((item) => item == null || mayRead(ctx, typeName, item));
  const keep = (flags: readonly boolean[]) => list.filter((_, i) => flags[i]);
  return allowed.some(isThenable) ? Promise.all(allowed).then(keep) : keep(allowed as boolean[]);
}

function wrapObjectField(field: GraphQLField<unknown, Context>, root: boolean): void {
  const typeName = getNamedType(field.type).name;
  const policy = POLICIES[typeName];
  const resolve = field.resolve ?? defaultFieldResolver;
  // Computed shapes open to everyone need no check: leave their resolvers exactly as they were (hot paths).
  if (policy?.kind === "derived" && policy.roles === "any") return;
  field.resolve = (source, args, ctx, info) => then(resolve(source, args, ctx, info), (value) => guardValue(ctx, field.type, typeName, value, root));
}

function wrapScalarField(field: GraphQLField<unknown, Context>, check: Check<unknown>): void {
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args, ctx, info) => {
    const scope = scopeOf(ctx);
    if (!scope) return null;
    return then(check(scope.viewer, source, scope), (allowed) => (allowed ? resolve(source, args, ctx, info) : null));
  };
}

/**
 * Puts every object-typed field of the schema behind the policy of its type, and every field-level rule in front
 * of its field. Throws if an object type has no policy: a new type must say who may see it.
 */
export function applyAccessPolicies(schema: GraphQLSchema): GraphQLSchema {
  const missing = typesWithoutPolicy(schema);
  if (missing.length) throw new Error(`Object types without an access policy (add them to server/auth/policy.ts): ${missing.join(", ")}`);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const fields = assertObjectType(type).getFields();
    for (const field of Object.values(fields)) {
      if (isObjectType(getNamedType(field.type))) wrapObjectField(field as GraphQLField<unknown, Context>, ROOT_TYPES.has(type.name));
    }
    const policy = POLICIES[type.name];
    if (policy?.kind === "entity") {
      for (const [name, check] of Object.entries((policy as EntityPolicy<unknown>).fields ?? {})) {
        const field = fields[name];
        if (!field) throw new Error(`Field policy for ${type.name}.${name}: no such field.`);
        if (isNonNullType(field.type)) throw new Error(`Field policy for ${type.name}.${name}: the field must be nullable.`);
        wrapScalarField(field as GraphQLField<unknown, Context>, check);
      }
    }
  }
  return schema;
}

/**
 * The shared provider register: an administrator, or commissioning staff of an office that holds a contract
 * with this provider, may change a provider's entry.
 */
export async function canEditProvider(ctx: Context, viewer: User, providerId: number): Promise<boolean> {
  if (isCrossOffice(viewer)) return true;
  if (!OFFICE_WRITERS.includes(viewer.role) || viewer.officeId == null) return false;
  return ctx.services.db.manager.existsBy(Contract, { providerId, officeId: viewer.officeId });
}
