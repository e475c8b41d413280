import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";

/** The OCDS releases an office has published, so its release package keeps each contract's history. */
export class OcdsRelease1708000000001 implements MigrationInterface {
  name = "OcdsRelease1708000000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    await queryRunner.createTable(
      new Table({
        name: "ocds_release",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "officeId", type: "integer" },
          { name: "ocid", type: "varchar", length: "200" },
          { name: "releaseId", type: "varchar", length: "240", isUnique: true },
          { name: "date", type: postgres ? "timestamptz" : "datetime" },
          { name: "body", type: "text" },
        ],
        indices: [new TableIndex({ columnNames: ["officeId", "ocid"] })],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("ocds_release", true);
  }
}
