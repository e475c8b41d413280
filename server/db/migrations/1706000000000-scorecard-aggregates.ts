import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions, TableIndex } from "typeorm";
import { rebuildScorecardAggregates } from "../../modules/scorecards/scorecard-aggregates.js";

/**
 * The maintained scorecard tables (modules/scorecards/scorecard-aggregate.entities.ts), built from the data
 * already there with the same code that keeps them up to date afterwards.
 */
export class ScorecardAggregates1706000000000 implements MigrationInterface {
  name = "ScorecardAggregates1706000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const int = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: "integer", ...extra });
    const real = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: "double precision", ...extra });
    const parts: TableColumnOptions[] = [
      int("returnsDue"),
      int("targetCount"),
      real("targetSum"),
      ...["accepted", "submitted"].flatMap((state) => [
        int(`${state}In`),
        real(`${state}Numerator`),
        real(`${state}Denominator`),
        int(`${state}TargetCount`),
        real(`${state}TargetSum`),
        real(`${state}WeightedTarget`),
        real(`${state}TargetWeight`),
      ]),
    ];
    await queryRunner.createTable(
      new Table({
        name: "scorecard_contract_cell",
        columns: [int("contractId", { isPrimary: true }), int("indicatorId", { isPrimary: true }), int("periodId", { isPrimary: true }), int("officeId"), int("portfolioId"), real("target", { isNullable: true }), ...parts],
        indices: [new TableIndex({ columnNames: ["portfolioId", "periodId"] })],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "scorecard_cell",
        columns: [int("officeId", { isPrimary: true }), int("portfolioId", { isPrimary: true }), int("indicatorId", { isPrimary: true }), int("periodId", { isPrimary: true }), ...parts],
      }),
      true,
    );
    await rebuildScorecardAggregates(queryRunner.manager);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("scorecard_cell", true);
    await queryRunner.dropTable("scorecard_contract_cell", true);
  }
}
