import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

/** Mail: the outbox, users' notifications, offices' reminder schedules and users' mail preferences. */
export class Mail1710000000000 implements MigrationInterface {
  name = "Mail1710000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const time = (name: string, nullable = false) => ({ name, type: postgres ? "timestamptz" : "datetime", isNullable: nullable });
    const id = { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" as const };
    const varchar = (name: string, length: number, nullable = false) => ({ name, type: "varchar", length: String(length), isNullable: nullable });
    const int = (name: string, nullable = false) => ({ name, type: "integer", isNullable: nullable });
    const boolean = (name: string) => ({ name, type: "boolean", default: postgres ? "true" : "1" });
    const userFk = (onDelete: "CASCADE" | "SET NULL") => new TableForeignKey({ columnNames: ["userId"], referencedTableName: "user", referencedColumnNames: ["id"], onDelete });
    const officeFk = () => new TableForeignKey({ columnNames: ["officeId"], referencedTableName: "office", referencedColumnNames: ["id"], onDelete: "CASCADE" });

    await queryRunner.createTable(
      new Table({
        name: "mail_outbox",
        columns: [
          id,
          { ...varchar("dedupeKey", 200), isUnique: true },
          int("officeId", true),
          int("userId", true),
          varchar("kind", 20),
          varchar("toAddress", 200),
          varchar("subject", 300),
          { name: "body", type: "text" },
          varchar("unsubscribeUrl", 500, true),
          varchar("state", 10),
          { name: "attempts", type: "integer", default: 0 },
          time("nextAttemptAt"),
          time("leaseUntil", true),
          varchar("leaseOwner", 60, true),
          varchar("lastError", 500, true),
          varchar("lastCode", 40, true),
          varchar("messageId", 200),
          time("createdAt"),
          time("sentAt", true),
        ],
        foreignKeys: [officeFk(), userFk("SET NULL")],
        indices: [new TableIndex({ columnNames: ["state", "nextAttemptAt"] }), new TableIndex({ columnNames: ["officeId", "id"] })],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "notification",
        columns: [
          id,
          { ...varchar("dedupeKey", 200), isUnique: true },
          int("userId"),
          int("officeId", true),
          varchar("kind", 20),
          varchar("title", 300),
          { name: "body", type: "text" },
          varchar("link", 300),
          int("returnId", true),
          time("createdAt"),
          time("readAt", true),
        ],
        foreignKeys: [officeFk(), userFk("CASCADE")],
        indices: [new TableIndex({ columnNames: ["userId", "id"] })],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "office_mail_schedule",
        columns: [{ name: "officeId", type: "integer", isPrimary: true }, varchar("reminderDaysText", 60), int("chaserIntervalDays"), int("digestHour"), int("version")],
        foreignKeys: [officeFk()],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "mail_preference",
        columns: [{ name: "userId", type: "integer", isPrimary: true }, boolean("reminders"), boolean("chasers"), boolean("accepted"), boolean("digest"), int("version")],
        foreignKeys: [userFk("CASCADE")],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["mail_preference", "office_mail_schedule", "notification", "mail_outbox"]) await queryRunner.dropTable(table, true);
  }
}
