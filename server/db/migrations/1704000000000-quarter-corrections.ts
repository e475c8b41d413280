import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from "typeorm";

/**
 * The correction path for closed and frozen quarters: a return opened for correction says so (who, when, why),
 * and every later change to such a quarter's figures is kept with its cause (quarter_change).
 */
export class QuarterCorrections1704000000000 implements MigrationInterface {
  name = "QuarterCorrections1704000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const timestamp = postgres ? "timestamptz" : "datetime";
    await queryRunner.addColumns("performance_return", [
      new TableColumn({ name: "correctionReason", type: "text", isNullable: true }),
      new TableColumn({ name: "correctionOpenedById", type: "integer", isNullable: true }),
      new TableColumn({ name: "correctionOpenedAt", type: timestamp, isNullable: true }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: "quarter_change",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "officeId", type: "integer" },
          { name: "periodId", type: "integer" },
          { name: "kind", type: "varchar", length: "20" },
          { name: "portfolioId", type: "integer", isNullable: true },
          { name: "indicatorId", type: "integer", isNullable: true },
          { name: "contractId", type: "integer", isNullable: true },
          { name: "returnId", type: "integer", isNullable: true },
          { name: "reason", type: "text", isNullable: true },
          { name: "userId", type: "integer" },
          { name: "at", type: timestamp },
        ],
        indices: [new TableIndex({ columnNames: ["periodId"] })],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("quarter_change", true);
    await queryRunner.dropColumn("performance_return", "correctionOpenedAt");
    await queryRunner.dropColumn("performance_return", "correctionOpenedById");
    await queryRunner.dropColumn("performance_return", "correctionReason");
  }
}
