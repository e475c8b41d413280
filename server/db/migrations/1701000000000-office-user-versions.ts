import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";

/**
 * Offices and users get a version, so that their edits (updateOffice, updateUser) carry the version they were
 * based on like every other shared record's. Existing rows start at 1. Schema builder only: runs on SQLite and
 * PostgreSQL alike.
 */
export class OfficeUserVersions1701000000000 implements MigrationInterface {
  name = "OfficeUserVersions1701000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["office", "user"]) {
      await queryRunner.addColumn(table, new TableColumn({ name: "version", type: "integer", default: 1 }));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["user", "office"]) await queryRunner.dropColumn(table, "version");
  }
}
