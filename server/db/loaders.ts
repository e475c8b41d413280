import DataLoader from "dataloader";
import { In, type EntityManager, type EntityMetadata, type EntityTarget, type FindOptionsOrder, type FindOptionsWhere, type ObjectLiteral } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata.js";
import { placeholders, tableName } from "./bulk.js";

/*
 * Rows by id are most of a small request's statements (the policies' look-ups, a root field's record). Through
 * findBy, TypeORM builds the statement (aliases, find options, property names) and hydrates through its general
 * transformer on every call, which costs more CPU than SQLite's work for one or a few rows. For a plain entity
 * the column list is worked out once here and each column hydrated as TypeORM's transformer does it
 * (driver.prepareHydratedValue, then the column sets it): the same columns (not those marked select: false), the
 * same values, the same class. Anything else (embedded columns, eager relations, soft deletion, inheritance, trees)
 * keeps TypeORM's own path.
 */
interface PlainRead {
  table: string;
  columns: ColumnMetadata[];
  select: string;
}
const plainReads = new WeakMap<EntityMetadata, PlainRead | null>();

function plainRead(manager: EntityManager, metadata: EntityMetadata): PlainRead | null {
  let read = plainReads.get(metadata);
  if (read !== undefined) return read;
  const plain =
    metadata.tableType === "regular" &&
    !metadata.embeddeds.length &&
    !metadata.eagerRelations.length &&
    !metadata.deleteDateColumn &&
    !metadata.childEntityMetadatas.length &&
    !metadata.discriminatorColumn &&
    !metadata.treeType;
  if (plain) {
    const columns = metadata.columns.filter((column) => !column.isVirtual && column.isSelect && !column.embeddedMetadata);
    read = { table: tableName(manager, metadata.tableName), columns, select: columns.map((column) => `"${column.databaseName}"`).join(", ") };
  } else read = null;
  plainReads.set(metadata, read);
  return read;
}

function hydrate<T extends ObjectLiteral>(manager: EntityManager, metadata: EntityMetadata, read: PlainRead, rows: Record<string, unknown>[]): T[] {
  const driver = manager.connection.driver;
  return rows.map((row) => {
    const out = metadata.create(undefined, { fromDeserializer: true }) as T;
    for (const column of read.columns) {
      const value = row[column.databaseName];
      if (value !== undefined) column.setEntityValue(out, driver.prepareHydratedValue(value, column));
    }
    return out;
  });
}

/**
 * For a plain entity (see above): its columns as a RETURNING list and how to hydrate the rows that returns, so a
 * write can hand back the row it wrote without reading it again; null for an entity that is not plain.
 */
export function plainReturning<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>): { columns: string; hydrate(rows: Record<string, unknown>[]): T[] } | null {
  const metadata = manager.connection.getMetadata(entity);
  const read = plainRead(manager, metadata);
  return read && { columns: read.select, hydrate: (rows) => hydrate<T>(manager, metadata, read, rows) };
}

/**
 * Whole rows of a plain entity (see above) by a hand-written condition on its columns (`"officeId" = ?`, with
 * `values` for its placeholders), as TypeORM would give them; null for an entity that is not plain.
 */
export async function selectPlain<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, where: string, values: unknown[], orderBy?: string): Promise<T[] | null> {
  const metadata = manager.connection.getMetadata(entity);
  const read = plainRead(manager, metadata);
  if (!read) return null;
  const rows: Record<string, unknown>[] = await manager.query(`SELECT ${read.select} FROM ${read.table} WHERE ${where}${orderBy ? ` ORDER BY ${orderBy}` : ""}`, values);
  return hydrate<T>(manager, metadata, read, rows);
}

/**
 * findOneBy for a plain entity (see above) and a condition of whole numbers only (ids and foreign keys, the write
 * paths' look-ups): the same row as TypeORM's, read through the plain path. Anything else goes to findOneBy.
 */
export async function findOnePlain<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, where: Partial<Record<keyof T & string, number>>): Promise<T | null> {
  const metadata = manager.connection.getMetadata(entity);
  const read = plainRead(manager, metadata);
  const keys = Object.keys(where) as (keyof T & string)[];
  const columns = keys.map((key) => metadata.findColumnWithPropertyName(key));
  if (read && keys.length && keys.every((key, i) => Number.isSafeInteger(where[key]) && columns[i] && !columns[i]!.transformer)) {
    const p = placeholders(manager);
    const condition = columns.map((column, i) => `"${column!.databaseName}" = ${p.add(where[keys[i]])}`).join(" AND ");
    const rows: Record<string, unknown>[] = await manager.query(`SELECT ${read.select} FROM ${read.table} WHERE ${condition} LIMIT 1`, p.values);
    return rows.length ? hydrate<T>(manager, metadata, read, rows)[0] : null;
  }
  return manager.findOneBy(entity, where as FindOptionsWhere<T>);
}

async function findByIds<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, ids: readonly number[]): Promise<T[]> {
  const metadata = manager.connection.getMetadata(entity);
  if (metadata.primaryColumns.length === 1 && metadata.primaryColumns[0].propertyName === "id") {
    // Integer keys are written into the statement, as TypeORM does on SQLite: a batch of any size stays one statement.
    const p = placeholders(manager);
    const list = ids.every((id) => Number.isSafeInteger(id)) ? ids.join(", ") : p.list(ids);
    const rows = await selectPlain<T>(manager, entity, `"${metadata.primaryColumns[0].databaseName}" IN (${list})`, p.values);
    if (rows) return rows;
  }
  return manager.getRepository(entity).findBy({ id: In([...ids]) } as unknown as FindOptionsWhere<T>);
}

/**
 * Per-request batching: every field resolver that needs rows by id, or children by a foreign key, asks
 * here, so a list of 50 contracts costs the same number of SQL statements as a list of 5.
 * Created in createContext for each request (resolvers are singletons and must not hold them).
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<number, unknown>>();

  constructor(private readonly manager: EntityManager) {}

  private get<V>(key: string, build: () => DataLoader<number, V>): DataLoader<number, V> {
    let loader = this.loaders.get(key);
    if (!loader) {
      loader = build() as DataLoader<number, unknown>;
      this.loaders.set(key, loader);
    }
    return loader as DataLoader<number, V>;
  }

  private name(entity: EntityTarget<ObjectLiteral>): string {
    return this.manager.connection.getMetadata(entity).name;
  }

  /** Rows by primary key `id`; null where there is none. */
  byId<T extends { id: number }>(entity: EntityTarget<T>): DataLoader<number, T | null> {
    return this.get(`${this.name(entity)}#id`, () =>
      new DataLoader<number, T | null>(async (ids) => {
        const rows = await findByIds<T>(this.manager, entity, ids);
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
    );
  }

  /** All rows whose `column` equals the key, in a stable order. */
  manyBy<T extends ObjectLiteral>(entity: EntityTarget<T>, column: keyof T & string, order?: FindOptionsOrder<T>): DataLoader<number, T[]> {
    return this.get(`${this.name(entity)}#${column}#${JSON.stringify(order ?? null)}`, () =>
      new DataLoader<number, T[]>(async (keys) => {
        const rows = await this.manager.getRepository(entity).find({
          where: { [column]: In([...keys]) } as FindOptionsWhere<T>,
          order: order ?? ({ [this.manager.connection.getMetadata(entity).primaryColumns[0].propertyName]: "ASC" } as FindOptionsOrder<T>),
        });
        const groups = new Map<number, T[]>(keys.map((key) => [key, []]));
        for (const row of rows) groups.get(row[column] as number)?.push(row);
        return keys.map((key) => groups.get(key) ?? []);
      }),
    );
  }

  /** Any other per-request batch, by name: `load` receives every key asked for in one tick. */
  batch<V>(name: string, load: (keys: readonly number[]) => Promise<V[]>): DataLoader<number, V> {
    return this.get(`batch#${name}`, () => new DataLoader<number, V>(load));
  }
}
