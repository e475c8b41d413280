import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";
import { parseReviewWindow } from "../../modules/contracts/review-window.js";

/**
 * Re-procurement review windows as dates (beside the text as written), and each contract's reporting schedule.
 * Existing contracts keep quarterly monitoring, which is what they had; the default by mechanism and value applies
 * to contracts created from now on. Windows already recorded as text are read into dates where the text allows.
 */
export class PipelineDatesReportingSchedule1705000000000 implements MigrationInterface {
  name = "PipelineDatesReportingSchedule1705000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("contract", [
      new TableColumn({ name: "reviewStartDate", type: "date", isNullable: true }),
      new TableColumn({ name: "reviewEndDate", type: "date", isNullable: true }),
      new TableColumn({ name: "reportingSchedule", type: "varchar", length: "20", isNullable: false, default: "'QUARTERLY'" }),
    ]);
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const schema = (queryRunner.connection.driver.options as { schema?: string }).schema;
    const contract = postgres && schema ? `"${schema}"."contract"` : `"contract"`;
    const rows: { id: number; reviewWindow: string }[] = await queryRunner.query(`SELECT id, "reviewWindow" FROM ${contract} WHERE "reviewWindow" IS NOT NULL`);
    for (const row of rows) {
      const dates = parseReviewWindow(row.reviewWindow);
      if (!dates) continue;
      await queryRunner.query(
        `UPDATE ${contract} SET "reviewStartDate" = ${postgres ? "$1" : "?"}, "reviewEndDate" = ${postgres ? "$2" : "?"} WHERE id = ${postgres ? "$3" : "?"}`,
        [dates.startDate, dates.endDate, row.id],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("contract", "reportingSchedule");
    await queryRunner.dropColumn("contract", "reviewEndDate");
    await queryRunner.dropColumn("contract", "reviewStartDate");
  }
}
