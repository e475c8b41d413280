import { type MigrationInterface, type QueryRunner, Table, TableForeignKey } from "typeorm";

/** An office's open-data choices (publish a transparency page, share benchmarks) and its open-data identifiers. */
export class OfficeOpenData1708000000000 implements MigrationInterface {
  name = "OfficeOpenData1708000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const boolean = (name: string) => ({ name, type: "boolean", default: postgres ? "false" : "0" });
    const varchar = (name: string, length: number) => ({ name, type: "varchar", length: String(length), isNullable: true });
    await queryRunner.createTable(
      new Table({
        name: "office_open_data",
        columns: [
          { name: "officeId", type: "integer", isPrimary: true },
          boolean("publish"),
          boolean("shareBenchmarks"),
          varchar("policeForceAreaCode", 9),
          varchar("ocidPrefix", 60),
          varchar("grantPrefix", 60),
          varchar("orgId", 60),
          { name: "version", type: "integer" },
          { name: "updatedAt", type: postgres ? "timestamptz" : "datetime", default: postgres ? "now()" : "datetime('now')" },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ["officeId"], referencedTableName: "office", referencedColumnNames: ["id"], onDelete: "CASCADE" })],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("office_open_data", true);
  }
}
