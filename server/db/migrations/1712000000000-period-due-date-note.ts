import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";

/**
 * A note on a quarter's due date, for when it is not the office's own: the demo's open quarter is due a few weeks
 * after the data is loaded, which is illustrative, and says so wherever the due date is shown.
 */
export class PeriodDueDateNote1712000000000 implements MigrationInterface {
  name = "PeriodDueDateNote1712000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("reporting_period", new TableColumn({ name: "dueDateNote", type: "varchar", length: "200", isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("reporting_period", "dueDateNote");
  }
}
