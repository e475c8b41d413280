import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions, TableForeignKey, TableIndex, TableUnique } from "typeorm";

/**
 * Every table the entities declare. Written with the schema builder so the same migration runs on SQLite
 * and PostgreSQL; constraint and index names are left to the naming strategy, so they come out as the
 * entity metadata expects and `schemaBuilder.log()` reports no drift (test/api/migrations*.test.ts).
 */
export class InitialSchema1700000000000 implements MigrationInterface {
  name = "InitialSchema1700000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of tables(isPostgres(queryRunner))) {
      await queryRunner.createTable(table, true);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of tables(isPostgres(queryRunner)).reverse()) {
      await queryRunner.dropTable(table.name, true);
    }
  }
}

function isPostgres(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.driver.options.type === "postgres";
}

type Options = Partial<TableColumnOptions>;
type OnDelete = "RESTRICT" | "CASCADE" | "SET NULL";

const nullable: Options = { isNullable: true };
const primary: Options = { isPrimary: true };
const unique: Options = { isUnique: true };

const id = (name = "id"): TableColumnOptions => ({ name, type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" });
const int = (name: string, options: Options = {}): TableColumnOptions => ({ name, type: "integer", ...options });
const real = (name: string, options: Options = {}): TableColumnOptions => ({ name, type: "double precision", ...options });
const varchar = (name: string, length: number, options: Options = {}): TableColumnOptions => ({ name, type: "varchar", length: String(length), ...options });
const text = (name: string, options: Options = {}): TableColumnOptions => ({ name, type: "text", ...options });
const date = (name: string, options: Options = {}): TableColumnOptions => ({ name, type: "date", ...options });
/** TypeORM stores simple-json and simple-array columns as text. */
const simpleJson = text;
const simpleArray = text;

const index = (...columnNames: string[]) => new TableIndex({ columnNames });
const uniqueTogether = (...columnNames: string[]) => new TableUnique({ columnNames });
const fk = (columnName: string, referencedTableName: string, onDelete: OnDelete) =>
  new TableForeignKey({ columnNames: [columnName], referencedTableName, referencedColumnNames: ["id"], onDelete });

/** Tables in dependency order: each references only tables before it (or itself). */
function tables(postgres: boolean): Table[] {
  // The two databases differ in their time-stamp type and in how they spell some defaults.
  const now = postgres ? "now()" : "datetime('now')";
  const timestamp = (name: string, options: Options = {}): TableColumnOptions => ({ name, type: postgres ? "timestamptz" : "datetime", ...options });
  const boolean = (name: string, byDefault: boolean, options: Options = {}): TableColumnOptions => ({
    name,
    type: "boolean",
    default: postgres ? String(byDefault) : byDefault ? "1" : "0",
    ...options,
  });

  return [
    new Table({
      name: "office",
      columns: [
        id(),
        varchar("name", 120, unique),
        varchar("code", 40, unique),
        varchar("commissionerTitle", 200),
        timestamp("createdAt", { default: now }),
      ],
    }),
    new Table({
      name: "provider",
      columns: [
        id(),
        varchar("name", 200, unique),
        varchar("type", 30),
        varchar("charityNumber", 20, nullable),
        varchar("companyNumber", 20, nullable),
        int("version"),
        timestamp("createdAt", { default: now }),
      ],
    }),
    new Table({
      name: "user",
      columns: [
        id(),
        varchar("email", 200, unique),
        varchar("name", 200),
        varchar("passwordHash", 100),
        varchar("role", 20),
        int("officeId", nullable),
        int("providerId", nullable),
        boolean("active", true),
        int("tokenVersion", { default: "0" }),
        timestamp("createdAt", { default: now }),
      ],
      indices: [index("officeId"), index("providerId")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
        fk("providerId", "provider", "RESTRICT"),
      ],
    }),
    new Table({
      name: "reporting_period",
      columns: [
        id(),
        int("officeId"),
        varchar("year", 7),
        int("quarter"),
        date("startDate"),
        date("endDate"),
        date("dueDate"),
        varchar("state", 10, { default: "'OPEN'" }),
        timestamp("closedAt", nullable),
        timestamp("frozenAt", nullable),
        int("version"),
      ],
      indices: [index("officeId", "state")],
      uniques: [uniqueTogether("officeId", "year", "quarter")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
      ],
    }),
    new Table({
      name: "strategic_plan",
      columns: [
        id(),
        int("officeId"),
        varchar("kind", 40),
        varchar("title", 200),
        varchar("startYear", 7),
        varchar("endYear", 7),
        int("version"),
      ],
      indices: [index("officeId")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
      ],
    }),
    new Table({
      name: "plan_priority",
      columns: [
        id(),
        int("planId"),
        varchar("title", 200),
        text("description", nullable),
        int("position", { default: "0" }),
        int("version"),
      ],
      indices: [index("planId")],
      foreignKeys: [
        fk("planId", "strategic_plan", "CASCADE"),
      ],
    }),
    new Table({
      name: "key_performance_question",
      columns: [
        id(),
        int("priorityId"),
        varchar("question", 300),
        int("version"),
      ],
      indices: [index("priorityId")],
      foreignKeys: [
        fk("priorityId", "plan_priority", "CASCADE"),
      ],
    }),
    new Table({
      name: "funding_stream",
      columns: [
        id(),
        int("officeId"),
        varchar("name", 200),
        varchar("source", 30),
        int("parentId", nullable),
        varchar("ringFencedPurpose", 300, nullable),
        int("maxAwardPence", nullable),
        boolean("oneOffOnly", false),
        simpleArray("eligibleRecipientTypes", { default: "''" }),
        varchar("funderReportingCadence", 20, { default: "'NONE'" }),
        int("version"),
      ],
      indices: [index("officeId"), index("parentId")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
        fk("parentId", "funding_stream", "RESTRICT"),
      ],
    }),
    new Table({
      name: "funding_stream_year",
      columns: [
        id(),
        int("streamId"),
        varchar("year", 7),
        int("amountPence"),
        boolean("variable", false),
        varchar("note", 300, nullable),
        int("version"),
      ],
      uniques: [uniqueTogether("streamId", "year")],
      foreignKeys: [
        fk("streamId", "funding_stream", "CASCADE"),
      ],
    }),
    new Table({
      name: "portfolio",
      columns: [
        id(),
        int("officeId"),
        varchar("name", 200),
        varchar("leadName", 200, nullable),
        text("description", nullable),
        int("version"),
      ],
      indices: [index("officeId")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
      ],
    }),
    new Table({
      name: "portfolio_priority",
      columns: [
        int("portfolioId", primary),
        int("priorityId", primary),
      ],
      indices: [index("priorityId")],
      foreignKeys: [
        fk("portfolioId", "portfolio", "CASCADE"),
        fk("priorityId", "plan_priority", "CASCADE"),
      ],
    }),
    new Table({
      name: "portfolio_allocation",
      columns: [
        id(),
        int("streamId"),
        int("portfolioId", nullable),
        varchar("kind", 20),
        varchar("year", 7),
        varchar("label", 200),
        int("amountPence"),
        int("version"),
      ],
      indices: [index("streamId", "year"), index("portfolioId")],
      foreignKeys: [
        fk("streamId", "funding_stream", "RESTRICT"),
        fk("portfolioId", "portfolio", "RESTRICT"),
      ],
    }),
    new Table({
      name: "contract",
      columns: [
        id(),
        int("officeId"),
        int("portfolioId"),
        int("providerId"),
        varchar("reference", 40),
        varchar("title", 200),
        text("description", nullable),
        varchar("mechanism", 30),
        varchar("stage", 10),
        varchar("status", 20),
        date("startDate", nullable),
        date("endDate", nullable),
        int("annualValuePence", nullable),
        int("mainPriorityId", nullable),
        varchar("reviewWindow", 100, nullable),
        date("plannedStartDate", nullable),
        int("potentialValuePence", nullable),
        int("version"),
        timestamp("createdAt", { default: now }),
        timestamp("updatedAt", { default: now }),
      ],
      indices: [index("officeId", "status"), index("portfolioId"), index("providerId")],
      uniques: [uniqueTogether("officeId", "reference")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
        fk("portfolioId", "portfolio", "RESTRICT"),
        fk("providerId", "provider", "RESTRICT"),
        fk("mainPriorityId", "plan_priority", "SET NULL"),
      ],
    }),
    new Table({
      name: "contract_priority",
      columns: [
        int("contractId", primary),
        int("priorityId", primary),
      ],
      indices: [index("priorityId")],
      foreignKeys: [
        fk("contractId", "contract", "CASCADE"),
        fk("priorityId", "plan_priority", "CASCADE"),
      ],
    }),
    new Table({
      name: "funding_line",
      columns: [
        id(),
        int("contractId"),
        int("streamId"),
        varchar("year", 7),
        int("amountPence"),
        varchar("status", 10),
      ],
      indices: [index("contractId"), index("streamId", "year")],
      foreignKeys: [
        fk("contractId", "contract", "CASCADE"),
        fk("streamId", "funding_stream", "RESTRICT"),
      ],
    }),
    new Table({
      name: "co_commissioner",
      columns: [
        id(),
        int("contractId"),
        varchar("partnerName", 200),
        int("annualContributionPence", nullable),
      ],
      indices: [index("contractId")],
      foreignKeys: [
        fk("contractId", "contract", "CASCADE"),
      ],
    }),
    new Table({
      name: "contract_spend",
      columns: [
        id(),
        int("contractId"),
        varchar("year", 7),
        int("quarter"),
        int("amountPence"),
      ],
      uniques: [uniqueTogether("contractId", "year", "quarter")],
      foreignKeys: [
        fk("contractId", "contract", "CASCADE"),
      ],
    }),
    new Table({
      name: "measure",
      columns: [
        id(),
        int("officeId"),
        varchar("code", 60),
        varchar("name", 200),
        text("description", nullable),
        varchar("unit", 10),
        real("minValue", nullable),
        real("maxValue", nullable),
        int("version"),
      ],
      uniques: [uniqueTogether("officeId", "code")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
      ],
    }),
    new Table({
      name: "indicator",
      columns: [
        id(),
        int("officeId"),
        varchar("code", 60),
        varchar("name", 200),
        real("factor", { default: "1" }),
        varchar("unit", 10),
        varchar("direction", 20),
        real("amberTolerance", { default: "0" }),
        int("version"),
      ],
      uniques: [uniqueTogether("officeId", "code")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
      ],
    }),
    new Table({
      name: "kpq_indicator",
      columns: [
        int("questionId", primary),
        int("indicatorId", primary),
      ],
      indices: [index("indicatorId")],
      foreignKeys: [
        fk("questionId", "key_performance_question", "CASCADE"),
        fk("indicatorId", "indicator", "CASCADE"),
      ],
    }),
    new Table({
      name: "indicator_measure",
      columns: [
        int("indicatorId", primary),
        int("measureId", primary),
        varchar("role", 12, primary),
      ],
      indices: [index("measureId")],
      foreignKeys: [
        fk("indicatorId", "indicator", "CASCADE"),
        fk("measureId", "measure", "RESTRICT"),
      ],
    }),
    new Table({
      name: "contract_kpi",
      columns: [
        id(),
        int("contractId"),
        int("indicatorId"),
      ],
      indices: [index("indicatorId")],
      uniques: [uniqueTogether("contractId", "indicatorId")],
      foreignKeys: [
        fk("contractId", "contract", "CASCADE"),
        fk("indicatorId", "indicator", "RESTRICT"),
      ],
    }),
    new Table({
      name: "target",
      columns: [
        id(),
        int("indicatorId"),
        int("contractId", nullable),
        int("portfolioId", nullable),
        varchar("year", 7),
        int("quarter", nullable),
        real("value"),
        int("version"),
      ],
      indices: [index("indicatorId", "year"), index("contractId"), index("portfolioId")],
      foreignKeys: [
        fk("indicatorId", "indicator", "CASCADE"),
        fk("contractId", "contract", "CASCADE"),
        fk("portfolioId", "portfolio", "CASCADE"),
      ],
    }),
    new Table({
      name: "performance_return",
      columns: [
        id(),
        int("contractId"),
        int("periodId"),
        varchar("state", 10, { default: "'DRAFT'" }),
        int("revisionCount", { default: "0" }),
        boolean("late", false),
        text("achievements", nullable),
        text("challenges", nullable),
        text("caseStudy", nullable),
        text("emergingRisks", nullable),
        int("spendPence", nullable),
        text("reviewReason", nullable),
        timestamp("submittedAt", nullable),
        timestamp("acceptedAt", nullable),
        int("acceptedById", nullable),
        int("version"),
        timestamp("createdAt", { default: now }),
        timestamp("updatedAt", { default: now }),
      ],
      indices: [index("periodId", "state")],
      uniques: [uniqueTogether("contractId", "periodId")],
      foreignKeys: [
        fk("contractId", "contract", "RESTRICT"),
        fk("periodId", "reporting_period", "RESTRICT"),
        fk("acceptedById", "user", "RESTRICT"),
      ],
    }),
    new Table({
      name: "return_value",
      columns: [
        id(),
        int("returnId"),
        int("measureId"),
        real("value", nullable),
        text("comment", nullable),
      ],
      indices: [index("measureId")],
      uniques: [uniqueTogether("returnId", "measureId")],
      foreignKeys: [
        fk("returnId", "performance_return", "CASCADE"),
        fk("measureId", "measure", "RESTRICT"),
      ],
    }),
    new Table({
      name: "return_revision",
      columns: [
        id(),
        int("returnId"),
        int("number"),
        simpleJson("values"),
        simpleJson("narrative"),
        int("submittedById"),
        timestamp("submittedAt"),
        boolean("late", false),
        varchar("outcome", 10, nullable),
        int("reviewedById", nullable),
        timestamp("reviewedAt", nullable),
        text("reviewReason", nullable),
        simpleJson("measureComments", nullable),
      ],
      uniques: [uniqueTogether("returnId", "number")],
      foreignKeys: [
        fk("returnId", "performance_return", "CASCADE"),
        fk("submittedById", "user", "RESTRICT"),
        fk("reviewedById", "user", "RESTRICT"),
      ],
    }),
    new Table({
      name: "quarter_snapshot",
      columns: [
        id(),
        int("periodId", unique),
        timestamp("frozenAt"),
        int("frozenById"),
        simpleJson("payload"),
      ],
      foreignKeys: [
        fk("periodId", "reporting_period", "RESTRICT"),
        fk("frozenById", "user", "RESTRICT"),
      ],
    }),
    new Table({
      name: "project_brief",
      columns: [
        id(),
        int("officeId"),
        int("portfolioId", nullable),
        varchar("title", 200),
        text("summary", nullable),
        simpleArray("drivers", { default: "''" }),
        int("businessNeedScore", nullable),
        int("driversScore", nullable),
        int("deliverabilityScore", nullable),
        int("proposedValuePence", nullable),
        varchar("state", 10, { default: "'SUBMITTED'" }),
        int("contractId", nullable),
        int("version"),
        timestamp("createdAt", { default: now }),
      ],
      indices: [index("officeId", "state")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
        fk("portfolioId", "portfolio", "RESTRICT"),
        fk("contractId", "contract", "SET NULL"),
      ],
    }),
    new Table({
      name: "risk",
      columns: [
        id(),
        int("officeId"),
        int("portfolioId", nullable),
        varchar("title", 200),
        text("description", nullable),
        int("likelihood"),
        int("impact"),
        varchar("ownerName", 200),
        text("mitigation", nullable),
        varchar("status", 12, { default: "'OPEN'" }),
        boolean("escalated", false),
        int("version"),
        timestamp("createdAt", { default: now }),
      ],
      indices: [index("officeId", "status")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
        fk("portfolioId", "portfolio", "RESTRICT"),
      ],
    }),
    new Table({
      name: "risk_review",
      columns: [
        id(),
        int("riskId"),
        varchar("year", 7),
        int("quarter"),
        int("likelihood"),
        int("impact"),
        varchar("status", 12),
        text("note", nullable),
        int("reviewedById"),
        timestamp("reviewedAt"),
      ],
      indices: [index("riskId")],
      foreignKeys: [
        fk("riskId", "risk", "CASCADE"),
        fk("reviewedById", "user", "RESTRICT"),
      ],
    }),
    new Table({
      name: "decision",
      columns: [
        id(),
        int("officeId"),
        int("contractId", nullable),
        varchar("kind", 15),
        varchar("title", 200),
        text("rationale"),
        simpleArray("evidenceReturnIds", { default: "''" }),
        date("decidedOn"),
        int("decidedById"),
        boolean("published", false),
        int("version"),
        timestamp("createdAt", { default: now }),
      ],
      indices: [index("officeId"), index("contractId")],
      foreignKeys: [
        fk("officeId", "office", "RESTRICT"),
        fk("contractId", "contract", "RESTRICT"),
        fk("decidedById", "user", "RESTRICT"),
      ],
    }),
    new Table({
      name: "audit_event",
      columns: [
        id(),
        int("officeId", nullable),
        int("userId", nullable),
        varchar("action", 60),
        varchar("entityType", 40),
        int("entityId"),
        simpleJson("before", nullable),
        simpleJson("after", nullable),
        timestamp("at"),
      ],
      indices: [index("officeId", "at"), index("entityType", "entityId")],
    }),
    new Table({
      name: "domain_event",
      columns: [
        id("seq"),
        varchar("topic", 40),
        int("officeId"),
        simpleJson("payload"),
        timestamp("at"),
      ],
      indices: [index("topic", "officeId", "seq")],
    }),
    new Table({
      name: "idempotency_record",
      columns: [
        varchar("key", 100, primary),
        int("userId", primary),
        varchar("operation", 60),
        int("resultId"),
        timestamp("createdAt"),
      ],
    }),
  ];
}
