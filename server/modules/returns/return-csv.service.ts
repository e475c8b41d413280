import { createHash, randomUUID } from "node:crypto";
import { CsvError, parse } from "csv-parse/sync";
import { GraphQLError } from "graphql";
import { In, type EntityManager, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from "typeorm";
import { canReadOffice, canWriteOffice, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { chunks, insertEntities, insertFlat, placeholders, tableName, upsertRows } from "../../db/bulk.js";
import { JsonText, type UnitOfWork } from "../../db/writer.js";
import { badInput, conflict, forbidden, notFound, unauthenticated, type FieldProblem } from "../../errors.js";
import { IdempotencyRecord } from "../../realtime/domain-event.entity.js";
import { Topic, type PublishedEvent } from "../../realtime/pubsub.js";
import { AuditEvent } from "../audit/audit-event.entity.js";
import { Contract } from "../contracts/contract.entities.js";
import { previousQuarter } from "../periods/financial-year.js";
import { PeriodState, ReportingPeriod } from "../periods/reporting-period.entity.js";
import { Role } from "../users/role.js";
import { User } from "../users/user.entity.js";
import { PerformanceReturn, ReturnRevision, ReturnState, ReturnValue } from "./return.entities.js";
import { findOutliers, isEditable, validateReturnValues, type ReturnForm } from "./return.rules.js";
import { CHUNK, findIn, loadForms } from "./return-form.js";
import { canFillIn, narrativeOf, type ReturnChange } from "./return.service.js";

/*
 * Bulk upload of a period's returns from a CSV file: one row per contract and measure. The whole file is
 * checked before anything is written and every problem is reported by row and column; then every row is
 * applied in one transaction, or none is. Submitting goes through the same code as submitReturn.
 */

export const CSV_MAX_BYTES = 10 * 1024 * 1024;
export const CSV_MAX_ROWS = 50_000;
/** Rows between two progress events. */
const PROGRESS_EVERY = 500;
/** Rows written per batch of statements (and per APPLYING progress event). */
const APPLY_BATCH_ROWS = 10_000;
/** Rows per INSERT statement: well inside SQLite's and PostgreSQL's limits on bound parameters. */
/** Beyond this the error lists only the first problems: a wrong file can have one per row. */
const MAX_PROBLEMS_LISTED = 1_000;
const OPERATION = "uploadReturnsCsv";

export const CSV_COLUMNS = ["contract_reference", "measure_code", "value", "comment"] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: CsvColumn[] = ["contract_reference", "measure_code", "value"];

export enum CsvImportPhase {
  VALIDATING = "VALIDATING",
  APPLYING = "APPLYING",
  DONE = "DONE",
  FAILED = "FAILED",
}

/** Carried by CSV_IMPORT_PROGRESS events; only the uploader's own subscription sees them. */
export interface CsvImportProgressPayload {
  importId: string;
  userId: number;
  phase: CsvImportPhase;
  processedRows: number;
  totalRows: number;
}

export interface CsvImportSummary {
  importId: string;
  periodId: number;
  totalRows: number;
  returnsCreated: number;
  returnsUpdated: number;
  returnsSubmitted: number;
  /** Every return the file touched, in the order the file first names them. */
  returnIds: number[];
}

export interface CsvImportOutcome extends CsvImportSummary {
  /** True when an earlier upload with the same idempotency key answered, and nothing was done this time. */
  replayed: boolean;
}

/** A problem with one cell: `field` reads "row 12, value"; `row` and `column` say the same for programs. Row 1 is the header. */
export interface CsvProblem extends FieldProblem {
  row: number | null;
  column: CsvColumn | null;
}

export interface CsvRow {
  /** Line of the file where the row starts, as a spreadsheet numbers it (the header is row 1). */
  row: number;
  reference: string;
  measureCode: string;
  value: string;
  /** Undefined when the file has no comment column: saved comments are then kept. */
  comment: string | undefined;
}

export interface ParsedCsv {
  rows: CsvRow[];
  hasComment: boolean;
}

export interface UploadArgs {
  periodId: number;
  csv: string;
  submit: boolean;
  idempotencyKey: string;
  importId?: string | null;
}

function problem(row: number | null, column: CsvColumn | null, rule: string, message: string): CsvProblem {
  const field = row == null ? (column ?? "csv") : column ? `row ${row}, ${column}` : `row ${row}`;
  return { field, rule, message, row, column };
}

function rejected(problems: CsvProblem[]): GraphQLError {
  const sorted = [...problems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || columnOrder(a.column) - columnOrder(b.column));
  const listed = sorted.slice(0, MAX_PROBLEMS_LISTED);
  const more = sorted.length > listed.length ? ` (the first ${listed.length} are listed)` : "";
  return badInput(`The file has ${sorted.length} problem(s)${more}; nothing was saved. Fix them and upload the whole file again.`, listed);
}

function columnOrder(column: CsvColumn | null): number {
  return column == null ? -1 : CSV_COLUMNS.indexOf(column);
}

const LINE_BREAK = /\r\n|\r|\n/g;

export interface NumberedRecord {
  cells: string[];
  row: number;
}

/** Records through csv-parse (quoted cells, mixed line breaks): the general case. Blank records are dropped. */
export function quotedRecords(csv: string): NumberedRecord[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) throw rejected([problem(typeof error.lines === "number" ? error.lines : null, null, "csvSyntax", `The file is not valid CSV: ${error.message}`)]);
    throw error;
  }
  // info.lines is where a record ends; a quoted cell may span lines.
  return records
    .map(({ record, info }) => ({ cells: record.map((cell) => cell.trim()), row: info.lines - record.reduce((n, cell) => n + (cell.match(LINE_BREAK)?.length ?? 0), 0) }))
    .filter(({ cells }) => cells.some((cell) => cell !== ""));
}

/**
 * The same records as quotedRecords for a file with no quote character and one kind of line break (what
 * spreadsheets and scripts write), read in one pass: a record per line, a cell per comma, no per-character state
 * machine (csv-parse takes ~25 times as long on a 20,000-row file). csv-parse keeps the first line break it meets
 * and treats the others as text, so a file that mixes them goes to quotedRecords: null then.
 * Exported for the test that holds the two to the same answers.
 */
export function plainRecords(csv: string): NumberedRecord[] | null {
  if (csv.includes('"')) return null;
  const start = csv.charCodeAt(0) === 0xfeff ? 1 : 0;
  const cr = csv.indexOf("\r");
  // The line break is "\n", or "\r\n" throughout; any other mix is left to csv-parse.
  let crlf = false;
  if (cr !== -1) {
    if (csv.charCodeAt(cr + 1) !== 10) return null;
    let crs = 0;
    let lfs = 0;
    for (let i = csv.indexOf("\r"); i !== -1; i = csv.indexOf("\r", i + 1)) {
      if (csv.charCodeAt(i + 1) !== 10) return null;
      crs++;
    }
    for (let i = csv.indexOf("\n"); i !== -1; i = csv.indexOf("\n", i + 1)) lfs++;
    if (crs !== lfs) return null;
    crlf = true;
  }
  const records: NumberedRecord[] = [];
  const length = csv.length;
  let row = 0;
  for (let pos = start; pos <= length; ) {
    let next = csv.indexOf("\n", pos);
    if (next === -1) next = length;
    const end = crlf && next < length ? next - 1 : next;
    row++;
    const cells: string[] = [];
    let blank = true;
    for (let from = pos; ; ) {
      let comma = csv.indexOf(",", from);
      if (comma === -1 || comma > end) comma = end;
      const cell = trimmed(csv.slice(from, comma));
      if (cell !== "") blank = false;
      cells.push(cell);
      if (comma === end) break;
      from = comma + 1;
    }
    if (!blank) records.push({ cells, row });
    pos = next + 1;
  }
  return records;
}

/** String.prototype.trim, skipped when neither end can be white space (the usual cell). */
function trimmed(cell: string): string {
  if (cell === "") return cell;
  const first = cell.charCodeAt(0);
  const last = cell.charCodeAt(cell.length - 1);
  return first <= 32 || first >= 0x80 || last <= 32 || last >= 0x80 ? cell.trim() : cell;
}

/** Reads the file into rows; a malformed file, a wrong header or too many rows is rejected whole. */
export function parseReturnsCsv(csv: string): ParsedCsv {
  if (Buffer.byteLength(csv, "utf8") > CSV_MAX_BYTES) throw rejected([problem(null, null, "maxSize", `The file is larger than ${CSV_MAX_BYTES / 1024 / 1024} MB: split it.`)]);
  const numbered = plainRecords(csv) ?? quotedRecords(csv);
  if (!numbered.length) throw rejected([problem(null, null, "empty", "The file is empty: it needs a header row and a row per contract and measure.")]);

  const [header, ...body] = numbered;
  const names = header.cells.map((cell) => cell.toLowerCase());
  const problems: CsvProblem[] = [];
  const index = new Map<CsvColumn, number>();
  names.forEach((name, i) => {
    const column = CSV_COLUMNS.find((c) => c === name);
    if (!column) problems.push(problem(header.row, null, "unknownColumn", `Column ${i + 1} is "${header.cells[i]}": the columns are ${CSV_COLUMNS.join(", ")} (comment is optional).`));
    else if (index.has(column)) problems.push(problem(header.row, column, "duplicateColumn", `The ${column} column appears twice.`));
    else index.set(column, i);
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!index.has(column)) problems.push(problem(header.row, column, "missingColumn", `The header has no ${column} column.`));
  }
  if (problems.length) throw rejected(problems);
  if (!body.length) throw rejected([problem(null, null, "empty", "The file has a header but no rows.")]);
  if (body.length > CSV_MAX_ROWS) throw rejected([problem(null, null, "maxRows", `The file has ${body.length} rows; the most one upload takes is ${CSV_MAX_ROWS}.`)]);

  const cell = (cells: string[], column: CsvColumn) => {
    const i = index.get(column);
    return i === undefined ? undefined : (cells[i] ?? "");
  };
  const hasComment = index.has("comment");
  return {
    hasComment,
    rows: body.map(({ cells, row }) => ({ row, reference: cell(cells, "contract_reference")!, measureCode: cell(cells, "measure_code")!, value: cell(cells, "value")!, comment: cell(cells, "comment") })),
  };
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell as a value: null when empty (allowed in a draft), undefined when it is not a plain number. */
export function parseValue(text: string): number | null | undefined {
  if (text === "") return null;
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Loads rows whose column is in a (possibly long) list, a chunk per statement. */
/** Each contract's accepted values in the quarter before this one (findOutliers' baseline), for many contracts at once. */
async function previousAcceptedValues(manager: EntityManager, period: ReportingPeriod, contractIds: number[]): Promise<Map<number, Map<number, number | null>>> {
  const prior = previousQuarter({ year: period.year, quarter: period.quarter as 1 | 2 | 3 | 4 });
  const previousPeriod = await manager.findOneBy(ReportingPeriod, { officeId: period.officeId, year: prior.year, quarter: prior.quarter });
  const result = new Map<number, Map<number, number | null>>();
  if (!previousPeriod) return result;
  const accepted = await findIn(manager, PerformanceReturn, "contractId", contractIds, { periodId: previousPeriod.id, state: ReturnState.ACCEPTED });
  const contractOf = new Map(accepted.map((r) => [r.id, r.contractId]));
  for (const value of await findIn(manager, ReturnValue, "returnId", [...contractOf.keys()])) {
    const contractId = contractOf.get(value.returnId)!;
    if (!result.has(contractId)) result.set(contractId, new Map());
    result.get(contractId)!.set(value.measureId, value.value);
  }
  return result;
}

interface FileValue {
  value: number | null;
  comment: string | null | undefined;
  row: number;
}

/** What the file does to one contract's return. */
interface PlannedReturn {
  contract: CsvContract;
  existing: PerformanceReturn | null;
  form: ReturnForm;
  values: Map<number, FileValue>;
  firstRow: number;
  rows: number;
  hasRowProblems: boolean;
}

class Progress {
  constructor(
    private readonly ctx: Context,
    private readonly officeId: number,
    private readonly importId: string,
    private readonly userId: number,
    private totalRows = 0,
  ) {}

  processed = 0;

  report(phase: CsvImportPhase, processedRows: number, totalRows = this.totalRows): void {
    this.totalRows = totalRows;
    this.processed = processedRows;
    const payload: CsvImportProgressPayload = { importId: this.importId, userId: this.userId, phase, processedRows, totalRows };
    // Progress is transient: not stored, not numbered, never replayed.
    const event: PublishedEvent<CsvImportProgressPayload> = { seq: 0, topic: Topic.CSV_IMPORT_PROGRESS, officeId: this.officeId, at: new Date().toISOString(), payload };
    this.ctx.services.pubSub.publish(Topic.CSV_IMPORT_PROGRESS, event);
  }
}

/** What the upload needs of a contract. */
type CsvContract = Pick<Contract, "id" | "officeId" | "portfolioId" | "providerId" | "reference">;

/** The office's contracts (a provider's own only), as plain rows: a file names up to thousands. */
async function contractsOf(manager: EntityManager, officeId: number, providerId: number | null): Promise<CsvContract[]> {
  const p = placeholders(manager);
  const rows: Record<keyof CsvContract, unknown>[] = await manager.query(
    `SELECT id, "officeId", "portfolioId", "providerId", reference FROM ${tableName(manager, "contract")} WHERE "officeId" = ${p.add(officeId)}${providerId == null ? "" : ` AND "providerId" = ${p.add(providerId)}`} ORDER BY id`,
    p.values,
  );
  return rows.map((r) => ({ id: Number(r.id), officeId: Number(r.officeId), portfolioId: Number(r.portfolioId), providerId: Number(r.providerId), reference: String(r.reference) }));
}

/** The period the file is for, if the caller may upload returns for it. */
async function periodFor(manager: EntityManager, user: User, periodId: number): Promise<ReportingPeriod> {
  const period = await manager.findOneBy(ReportingPeriod, { id: periodId });
  if (!period) throw notFound("ReportingPeriod", periodId);
  if (user.role === Role.PROVIDER) {
    if (!(await manager.existsBy(Contract, { officeId: period.officeId, providerId: user.providerId ?? -1 }))) throw notFound("ReportingPeriod", periodId);
  } else if (!canReadOffice(user, period.officeId)) {
    throw notFound("ReportingPeriod", periodId);
  } else if (!canWriteOffice(user, period.officeId)) {
    throw forbidden("You cannot fill in that office's returns.");
  }
  return period;
}

function fingerprint(args: UploadArgs): string {
  return createHash("sha256").update(`${args.periodId}\n${args.submit}\n`).update(args.csv).digest("hex");
}

export async function uploadReturnsCsv(ctx: Context, args: UploadArgs): Promise<CsvImportOutcome> {
  const user = requireUser(ctx);
  const argProblems = [
    ...(args.idempotencyKey.length < 8 || args.idempotencyKey.length > 100 ? [{ field: "idempotencyKey", rule: "length", message: "Use a unique string of 8 to 100 characters per upload." }] : []),
    ...(args.importId != null && (args.importId.length < 1 || args.importId.length > 100) ? [{ field: "importId", rule: "length", message: "Use 1 to 100 characters." }] : []),
  ];
  if (argProblems.length) throw badInput("The upload is not valid.", argProblems);
  const importId = args.importId ?? randomUUID();
  const period = await periodFor(ctx.services.db.manager, user, args.periodId);
  const progress = new Progress(ctx, period.officeId, importId, user.id);
  progress.report(CsvImportPhase.VALIDATING, 0);
  try {
    const parsed = parseReturnsCsv(args.csv);
    progress.report(CsvImportPhase.VALIDATING, 0, parsed.rows.length);
    const outcome = await ctx.services.writer.run(user, async (uow) => {
      const previous = await replay(uow.manager, user, args);
      if (previous) return previous;
      const locked = await periodFor(uow.manager, user, args.periodId);
      if (locked.state !== PeriodState.OPEN) {
        throw rejected([{ ...problem(null, null, "periodOpen", `${locked.year} Q${locked.quarter} is ${locked.state.toLowerCase()}: its returns can no longer be changed.`), field: "periodId" }]);
      }
      const plans = await validate(uow.manager, user, locked, parsed, args.submit, progress);
      return apply(uow, user, locked, plans, parsed, args, importId, progress);
    }, { idempotent: true });
    progress.report(CsvImportPhase.DONE, outcome.totalRows, outcome.totalRows);
    return outcome;
  } catch (error) {
    progress.report(CsvImportPhase.FAILED, progress.processed);
    throw error;
  }
}

/** The first answer, if this key was used before: the upload is then not repeated. */
async function replay(manager: EntityManager, user: User, args: UploadArgs): Promise<CsvImportOutcome | null> {
  const record = await manager.findOneBy(IdempotencyRecord, { key: args.idempotencyKey, userId: user.id });
  if (!record) return null;
  const first = record.operation === OPERATION ? await manager.findOneBy(AuditEvent, { id: record.resultId }) : null;
  const stored = first?.after as { result: CsvImportSummary; fingerprint: string } | undefined;
  if (!stored || stored.fingerprint !== fingerprint(args)) throw conflict("That idempotency key was used for a different request.");
  return { ...stored.result, replayed: true };
}

/** A form's measures by code, exact and upper-cased (the first such measure, as a search in form order finds). */
const measureCodes = new WeakMap<ReturnForm, { exact: Map<string, ReturnForm["measures"][number]>; folded: Map<string, ReturnForm["measures"][number]> }>();
function codesOf(form: ReturnForm) {
  let codes = measureCodes.get(form);
  if (!codes) {
    codes = { exact: new Map(), folded: new Map() };
    for (const m of form.measures) {
      if (!codes.exact.has(m.code)) codes.exact.set(m.code, m);
      if (!codes.folded.has(m.code.toUpperCase())) codes.folded.set(m.code.toUpperCase(), m);
    }
    measureCodes.set(form, codes);
  }
  return codes;
}

/** Checks every row and, to submit, every return; throws with all the problems, or gives what to write. */
async function validate(manager: EntityManager, user: User, period: ReportingPeriod, parsed: ParsedCsv, submit: boolean, progress: Progress): Promise<PlannedReturn[]> {
  const contracts = (await contractsOf(manager, period.officeId, user.role === Role.PROVIDER ? (user.providerId ?? -1) : null)).filter((c) => canFillIn(user, c));
  const byReference = new Map(contracts.map((c) => [c.reference, c]));
  const byReferenceFolded = new Map(contracts.map((c) => [c.reference.toUpperCase(), c]));
  const named = new Set<CsvContract>();
  for (const row of parsed.rows) {
    const contract = byReference.get(row.reference) ?? byReferenceFolded.get(row.reference.toUpperCase());
    if (contract) named.add(contract);
  }
  const ids = [...named].map((c) => c.id);
  const forms = await loadForms(manager, ids);
  const existing = new Map((await findIn(manager, PerformanceReturn, "contractId", ids, { periodId: period.id })).map((r) => [r.contractId, r]));

  const problems: CsvProblem[] = [];
  const plans = new Map<number, PlannedReturn>();
  // One reporter for every row (not a closure per row: 50,000 rows would make 50,000).
  let current = 0;
  const at = (column: CsvColumn, rule: string, message: string) => problems.push(problem(current, column, rule, message));
  parsed.rows.forEach((row, i) => {
    if ((i + 1) % PROGRESS_EVERY === 0) progress.report(CsvImportPhase.VALIDATING, i + 1);
    current = row.row;
    if (!row.reference) return at("contract_reference", "required", "Give the contract's reference.");
    const contract = byReference.get(row.reference) ?? byReferenceFolded.get(row.reference.toUpperCase());
    // Another provider's contract reads exactly like one that does not exist.
    if (!contract) return at("contract_reference", "unknownContract", `There is no contract "${row.reference}" that you report on in this office.`);
    let plan = plans.get(contract.id);
    if (!plan) {
      plan = { contract, existing: existing.get(contract.id) ?? null, form: forms.get(contract.id)!, values: new Map(), firstRow: row.row, rows: 0, hasRowProblems: false };
      plans.set(contract.id, plan);
    }
    plan.rows += 1;
    const before = problems.length;
    const codes = codesOf(plan.form);
    const measure = row.measureCode ? (codes.exact.get(row.measureCode) ?? codes.folded.get(row.measureCode.toUpperCase())) : undefined;
    const value = parseValue(row.value);
    if (!row.measureCode) at("measure_code", "required", "Give the measure's code.");
    else if (!measure) at("measure_code", "inForm", `${row.measureCode} is not a measure on the return for ${contract.reference}${plan.form.measures.length ? ` (it reports ${plan.form.measures.map((m) => m.code).join(", ")})` : ""}.`);
    else if (plan.values.has(measure.id)) at("measure_code", "duplicate", `Row ${plan.values.get(measure.id)!.row} already gives ${measure.code} for ${contract.reference}.`);
    if (value === undefined) at("value", "number", `"${row.value}" is not a number: use digits, a decimal point and no thousands separators.`);
    if (row.comment && row.comment.length > 2000) at("comment", "maxLength", "A comment can be at most 2000 characters.");
    if (problems.length > before) {
      plan.hasRowProblems = true;
      return;
    }
    plan.values.set(measure!.id, { value: value!, comment: row.comment === undefined ? undefined : row.comment || null, row: row.row });
  });
  progress.report(CsvImportPhase.VALIDATING, parsed.rows.length);

  const saved = new Map<number, Map<number, number | null>>();
  for (const value of await findIn(manager, ReturnValue, "returnId", [...existing.values()].map((r) => r.id))) {
    if (!saved.has(value.returnId)) saved.set(value.returnId, new Map());
    saved.get(value.returnId)!.set(value.measureId, value.value);
  }
  const previous = submit ? await previousAcceptedValues(manager, period, ids) : new Map<number, Map<number, number | null>>();
  for (const plan of plans.values()) {
    const { contract, existing: ret } = plan;
    if (ret && !isEditable(ret.state)) {
      problems.push(problem(plan.firstRow, "contract_reference", "notEditable", `The return for ${contract.reference} is ${ret.state.toLowerCase()}: it can be changed only if it is sent back. Remove its ${plan.rows} row(s).`));
      continue;
    }
    // Submission rules need the return's final values; a return whose rows are wrong is checked once they are fixed.
    if (!submit || plan.hasRowProblems) continue;
    const values = new Map(ret ? saved.get(ret.id) : undefined);
    for (const [measureId, { value }] of plan.values) values.set(measureId, value);
    const measureById = new Map(plan.form.measures.map((m) => [m.id, m]));
    const measureByField = new Map(plan.form.measures.map((m) => [`values.${m.code}`, m]));
    const rules = validateReturnValues(plan.form, values);
    for (const p of rules) {
      const measure = measureByField.get(p.field);
      const row = measure && plan.values.get(measure.id)?.row;
      if (row != null) problems.push(problem(row, "value", p.rule, `${contract.reference}: ${p.message}`));
      else if (p.rule === "required" && measure) problems.push(problem(plan.firstRow, "measure_code", p.rule, `${contract.reference}: ${measure.name} is required to submit: add a row for ${measure.code}.`));
      else problems.push(problem(plan.firstRow, "contract_reference", p.rule, `${contract.reference}: ${p.message}`));
    }
    if (rules.length) continue;
    for (const o of findOutliers(plan.form, values, previous.get(contract.id) ?? new Map())) {
      const row = plan.values.get(o.measureId)?.row;
      const message = `${contract.reference}: ${measureById.get(o.measureId)!.code} moved from ${o.previous} to ${o.current} (${o.change > 0 ? "+" : ""}${Math.round(o.change * 100)}%) since last quarter. A CSV upload cannot explain a sharp change: upload it as a draft and submit this return in the form to explain it.`;
      problems.push(problem(row ?? plan.firstRow, row != null ? "value" : "contract_reference", "outlier", message));
    }
  }
  if (problems.length) throw rejected(problems);
  return [...plans.values()];
}

/** Writes every planned return in batches of about PROGRESS_EVERY rows, inside the caller's transaction. */
async function apply(uow: UnitOfWork, user: User, period: ReportingPeriod, plans: PlannedReturn[], parsed: ParsedCsv, args: UploadArgs, importId: string, progress: Progress): Promise<CsvImportOutcome> {
  const { manager } = uow;
  const summary: CsvImportSummary = { importId, periodId: period.id, totalRows: parsed.rows.length, returnsCreated: 0, returnsUpdated: 0, returnsSubmitted: 0, returnIds: [] };
  progress.report(CsvImportPhase.APPLYING, 0);
  let processed = 0;
  for (let start = 0; start < plans.length; ) {
    let end = start;
    let rows = 0;
    while (end < plans.length && (rows < APPLY_BATCH_ROWS || end === start)) rows += plans[end++].rows;
    const batch = plans.slice(start, end);
    start = end;

    const created = batch.filter((p) => !p.existing);
    const updated = batch.filter((p) => p.existing);
    const beforeValues = await valuesOf(manager, updated.map((p) => p.existing!.id));
    // Every new return's row is the same but for its id and contract (the time stamps are given, not defaulted).
    const now = new Date();
    const createdIds = await insertEntities(manager, PerformanceReturn, created.map((p) => ({ contractId: p.contract.id, periodId: period.id, state: ReturnState.DRAFT, version: 1, createdAt: now, updatedAt: now })), "id");
    const idOf = new Map(created.map((p, i) => [p, createdIds[i]]));
    for (let i = 0; i < updated.length; i += CHUNK) await bumpVersions(manager, updated.slice(i, i + CHUNK).map((p) => p.existing!));
    const returnId = (p: PlannedReturn) => p.existing?.id ?? idOf.get(p)!;

    // Values: plain multi-row INSERTs for new returns (their generated ids are the audit's), multi-row upserts for
    // returns that exist; each statement's text built once per chunk size.
    const valueColumns = parsed.hasComment ? ["returnId", "measureId", "value", "comment"] : ["returnId", "measureId", "value"];
    const ordered = new Map(batch.map((p) => [p, sortedValues(p)]));
    const rowsOf = (list: PlannedReturn[]) => {
      const out: unknown[][] = [];
      for (const p of list) {
        const id = returnId(p);
        for (const [measureId, v] of ordered.get(p)!) out.push(parsed.hasComment ? [id, measureId, v.value, v.comment ?? null] : [id, measureId, v.value]);
      }
      return out;
    };
    const newValues: unknown[] = [];
    for (const p of created) {
      const id = returnId(p);
      for (const [measureId, v] of ordered.get(p)!) {
        newValues.push(id, measureId, v.value);
        if (parsed.hasComment) newValues.push(v.comment ?? null);
      }
    }
    const changedRows = rowsOf(updated);
    // As few statements as the parameter limit allows (a batch's rows in one or two); progress then counts them out.
    const newIds = await insertFlat(manager, "return_value", valueColumns, newValues, "id");
    await upsertRows(manager, "return_value", valueColumns, ["returnId", "measureId"], valueColumns.slice(2), changedRows);
    for (let done = PROGRESS_EVERY; done < rows; done += PROGRESS_EVERY) progress.report(CsvImportPhase.APPLYING, processed + done);

    const after = new Map((await findIn(manager, PerformanceReturn, "id", updated.map(returnId))).map((r) => [r.id, r]));
    const afterValues = await valuesOf(manager, updated.map((p) => p.existing!.id));
    // The new returns as the store has them: one read back, the others differ from it only in id and contract.
    // Their audit states are written as text from that one row; the objects are built only to submit.
    const template = created.length ? await manager.findOneByOrFail(PerformanceReturn, { id: createdIds[0] }) : null;
    const createdState = template ? createdStateJson(template, importId) : null;
    const createdJson = new Map<number, JsonText>();
    let n = 0;
    created.forEach((p, i) => {
      const id = createdIds[i];
      const entries = ordered.get(p)!;
      createdJson.set(id, createdState!(id, p.contract.id, entries, newIds, n, parsed.hasComment));
      if (args.submit) {
        after.set(id, { ...template!, id, contractId: p.contract.id });
        afterValues.set(id, entries.map(([measureId, v], k) => ({ id: newIds[n + k], returnId: id, measureId, value: v.value, comment: parsed.hasComment ? (v.comment ?? null) : null }) as ReturnValue));
      }
      n += entries.length;
    });
    const audits: Parameters<UnitOfWork["auditMany"]>[0] = [];
    const createdEvents: ReturnChange[] = [];
    for (const plan of batch) {
      const id = returnId(plan);
      const entity = { type: "Return", id, officeId: plan.contract.officeId };
      if (plan.existing) {
        const state = { ...after.get(id)!, values: afterValues.get(id) ?? [], importId };
        audits.push({ action: "return.save", entity, before: { ...plan.existing, values: beforeValues.get(id) ?? [] }, after: state });
        summary.returnsUpdated += 1;
      } else {
        audits.push({ action: "return.create", entity, before: null, after: createdJson.get(id)! });
        createdEvents.push({ returnId: id, contractId: plan.contract.id, providerId: plan.contract.providerId, portfolioId: plan.contract.portfolioId, periodId: period.id, state: ReturnState.DRAFT, change: "CREATED" });
        summary.returnsCreated += 1;
      }
      summary.returnIds.push(id);
    }
    // Audit rows and events in a few statements each, in the same order as one by one.
    await uow.auditMany(audits);
    await uow.emitMany<ReturnChange>(Topic.RETURN_CHANGED, period.officeId, createdEvents);
    if (args.submit) {
      await submitBatch(uow, user, period, batch.map((plan) => ({ plan, ret: after.get(returnId(plan))!, values: afterValues.get(returnId(plan)) ?? [] })));
      summary.returnsSubmitted += batch.length;
    }
    processed += rows;
    progress.report(CsvImportPhase.APPLYING, processed);
  }

  const auditId = await uow.audit(`return.csvImport`, { type: "ReportingPeriod", id: period.id, officeId: period.officeId }, null, { result: summary, fingerprint: fingerprint(args), submit: args.submit });
  await manager.insert(IdempotencyRecord, { key: args.idempotencyKey, userId: user.id, operation: OPERATION, resultId: auditId, createdAt: new Date() });
  return { ...summary, replayed: false };
}

/**
 * Submits a batch of returns as submitReturn would, one revision, state change, audit row and event each, in a few
 * multi-row statements. validate() has already applied submitReturn's checks (who may fill it in, the state, the
 * rules, sharp changes) to exactly these values inside this transaction, and the versions were read just now.
 */
async function submitBatch(uow: UnitOfWork, user: User, period: ReportingPeriod, items: { plan: PlannedReturn; ret: PerformanceReturn; values: ReturnValue[] }[]): Promise<void> {
  if (!items.length) return;
  const { manager } = uow;
  const now = new Date();
  const late = now.toISOString().slice(0, 10) > period.dueDate;
  await insertEntities(
    manager,
    ReturnRevision,
    items.map(({ ret, values }) => ({
      returnId: ret.id,
      number: ret.revisionCount + 1,
      values: values.map(({ measureId, value, comment }) => ({ measureId, value, comment })),
      narrative: narrativeOf(ret),
      submittedById: user.id,
      submittedAt: now,
      late,
    })),
  );
  const driver = manager.connection.driver;
  const at = driver.preparePersistentValue(now, manager.connection.getMetadata(PerformanceReturn).findColumnWithPropertyName("submittedAt")!);
  const lateValue = driver.preparePersistentValue(late, manager.connection.getMetadata(PerformanceReturn).findColumnWithPropertyName("late")!);
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK);
    const p = placeholders(manager);
    // Timeliness is judged by the first submission (the CASE reads the row as it was); the version guard is the
    // one updateVersioned applies.
    const sql = `UPDATE ${tableName(manager, "performance_return")} SET state = ${p.add(ReturnState.SUBMITTED)}, "revisionCount" = "revisionCount" + 1, "submittedAt" = ${p.add(at)},
      late = CASE WHEN "revisionCount" = 0 THEN ${p.add(lateValue)} ELSE late END, "reviewReason" = NULL, version = version + 1, "updatedAt" = ${p.add(at)}
      WHERE ${chunk.map(({ ret }) => `(id = ${p.add(ret.id)} AND version = ${p.add(ret.version)})`).join(" OR ")}`;
    const result = await manager.query(sql, p.values);
    const affected = manager.connection.options.type === "postgres" ? (result as [unknown, number])[1] : undefined;
    if (affected !== undefined && affected !== chunk.length) throw conflict("Some of these returns changed while the file was being applied. Upload it again.");
  }
  const updated = new Map((await findIn(manager, PerformanceReturn, "id", items.map(({ ret }) => ret.id))).map((r) => [r.id, r]));
  await uow.auditMany(
    items.map(({ plan, ret, values }) => {
      const now = updated.get(ret.id)!;
      if (now.state !== ReturnState.SUBMITTED || now.version !== ret.version + 1) throw conflict("Some of these returns changed while the file was being applied. Upload it again.");
      return { action: "return.submit", entity: { type: "Return", id: ret.id, officeId: plan.contract.officeId, within: { contractId: ret.contractId, periodId: ret.periodId } }, before: ret, after: { ...now, revision: now.revisionCount, values } };
    }),
  );
  await uow.emitMany<ReturnChange>(
    Topic.RETURN_CHANGED,
    period.officeId,
    items.map(({ plan, ret }) => ({ returnId: ret.id, contractId: plan.contract.id, providerId: plan.contract.providerId, portfolioId: plan.contract.portfolioId, periodId: period.id, state: ReturnState.SUBMITTED, change: "SUBMITTED" })),
  );
}

/**
 * A new version for each return the file edits, so a form still open on the old one gets CONFLICT. The rows
 * were read in this transaction; the version guard still catches a concurrent writer on PostgreSQL.
 */
async function bumpVersions(manager: EntityManager, returns: PerformanceReturn[]): Promise<void> {
  const params: Record<string, number> = {};
  const clauses = returns.map((r, i) => {
    params[`id${i}`] = r.id;
    params[`version${i}`] = r.version;
    return `(id = :id${i} AND version = :version${i})`;
  });
  const result = await manager.createQueryBuilder().update(PerformanceReturn).set({}).where(clauses.join(" OR "), params).execute();
  if (result.affected !== returns.length) throw conflict("Some of these returns changed while the file was being applied. Upload it again.");
}

/**
 * The audit state of new returns that share one stored row but for id and contract: `{ ...row, values, importId }`
 * as JSON.stringify writes it, the shared part serialised once (the audit test reads them back against the store).
 */
function createdStateJson(template: PerformanceReturn, importId: string): (id: number, contractId: number, values: [number, FileValue][], valueIds: number[], firstValue: number, hasComment: boolean) => JsonText {
  const mark = (name: string) => `\u0001${name}\u0001`;
  const text = JSON.stringify({ ...template, id: mark("id"), contractId: mark("contract"), values: mark("values"), importId });
  const parts = text.split(/"\\u0001(?:id|contract|values)\\u0001"/);
  const inOrder = [...text.matchAll(/"\\u0001(id|contract|values)\\u0001"/g)].map((m) => m[1]).join(",");
  // What each value reads back as: { id, returnId, measureId, value, comment }, a missing comment column saving null.
  const list = (id: number, values: [number, FileValue][], valueIds: number[], first: number, hasComment: boolean) =>
    values.map(([measureId, v], k) => ({ id: valueIds[first + k], returnId: id, measureId, value: v.value, comment: hasComment ? (v.comment ?? null) : null }));
  if (parts.length !== 4 || inOrder !== "id,contract,values") {
    return (id, contractId, values, valueIds, first, hasComment) => new JsonText(JSON.stringify({ ...template, id, contractId, values: list(id, values, valueIds, first, hasComment), importId }));
  }
  const json = (x: unknown) => (x === null ? "null" : typeof x === "number" ? String(x) : JSON.stringify(x));
  return (id, contractId, values, valueIds, first, hasComment) => {
    let out = `${parts[0]}${id}${parts[1]}${contractId}${parts[2]}[`;
    for (let k = 0; k < values.length; k++) {
      const v = values[k][1];
      out += `${k ? "," : ""}{"id":${valueIds[first + k]},"returnId":${id},"measureId":${values[k][0]},"value":${json(v.value)},"comment":${hasComment ? json(v.comment ?? null) : "null"}}`;
    }
    return new JsonText(`${out}]${parts[3]}`);
  };
}

/** A planned return's values in measure order (the order the audit lists them). */
function sortedValues(plan: PlannedReturn): [number, FileValue][] {
  return [...plan.values].sort((a, b) => a[0] - b[0]);
}

/** The saved values of many returns, each list in measure order, read as plain rows (no entity building). */
async function valuesOf(manager: EntityManager, returnIds: readonly number[]): Promise<Map<number, ReturnValue[]>> {
  const result = new Map<number, ReturnValue[]>();
  for (const chunk of chunks([...new Set(returnIds)], CHUNK)) {
    const p = placeholders(manager);
    const rows: { id: unknown; returnId: unknown; measureId: unknown; value: unknown; comment: string | null }[] = await manager.query(
      `SELECT id, "returnId", "measureId", value, comment FROM ${tableName(manager, "return_value")} WHERE "returnId" IN (${p.list(chunk)}) ORDER BY "returnId", "measureId"`,
      p.values,
    );
    for (const r of rows) {
      const value = { id: Number(r.id), returnId: Number(r.returnId), measureId: Number(r.measureId), value: r.value == null ? null : Number(r.value), comment: r.comment } as ReturnValue;
      let list = result.get(value.returnId);
      if (!list) result.set(value.returnId, (list = []));
      list.push(value);
    }
  }
  return result;
}

/**
 * The uploader's progress events for one import, ending after DONE or FAILED. Each event re-reads the
 * account, so a deactivated user or a revoked session stops receiving them.
 */
export async function* csvImportProgressStream(ctx: Context, importId: string): AsyncGenerator<PublishedEvent<CsvImportProgressPayload>> {
  const user = requireUser(ctx);
  const iterator = ctx.services.pubSub.subscribe(Topic.CSV_IMPORT_PROGRESS)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const { value: event, done } = await iterator.next();
      if (done) return;
      const progress = event.payload as CsvImportProgressPayload;
      if (progress.importId !== importId || progress.userId !== user.id) continue;
      const fresh = await ctx.services.db.manager.findOneBy(User, { id: user.id });
      if (!fresh || !fresh.active || fresh.tokenVersion !== user.tokenVersion) throw unauthenticated("Your session has ended.");
      yield event as PublishedEvent<CsvImportProgressPayload>;
      if (progress.phase === CsvImportPhase.DONE || progress.phase === CsvImportPhase.FAILED) return;
    }
  } finally {
    await iterator.return?.();
  }
}
