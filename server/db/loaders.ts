import DataLoader from "dataloader";
import { In, type EntityManager, type EntityTarget, type FindOptionsOrder, type FindOptionsWhere, type ObjectLiteral } from "typeorm";

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
        const rows = await this.manager.getRepository(entity).findBy({ id: In([...ids]) } as FindOptionsWhere<T>);
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
