import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";

/** Conversations on returns (comments, follow-up flags) and attachments to returns, decisions and briefs. */
export class ConversationsAttachments1711000000000 implements MigrationInterface {
  name = "ConversationsAttachments1711000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const timestamp = postgres ? "timestamptz" : "datetime";
    await queryRunner.createTable(
      new Table({
        name: "return_comment",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "returnId", type: "integer" },
          { name: "officeId", type: "integer" },
          { name: "measureId", type: "integer", isNullable: true },
          { name: "replyToId", type: "integer", isNullable: true },
          { name: "authorId", type: "integer" },
          { name: "body", type: "text" },
          { name: "createdAt", type: timestamp },
        ],
        indices: [new TableIndex({ columnNames: ["returnId", "id"] })],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "figure_flag",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "officeId", type: "integer" },
          { name: "contractId", type: "integer" },
          { name: "measureId", type: "integer" },
          { name: "returnId", type: "integer" },
          { name: "periodId", type: "integer" },
          { name: "note", type: "text" },
          { name: "raisedById", type: "integer" },
          { name: "raisedAt", type: timestamp },
          { name: "clearedById", type: "integer", isNullable: true },
          { name: "clearedAt", type: timestamp, isNullable: true },
          { name: "clearNote", type: "text", isNullable: true },
          { name: "version", type: "integer" },
        ],
        indices: [new TableIndex({ columnNames: ["contractId", "clearedAt"] }), new TableIndex({ columnNames: ["returnId"] })],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "attachment",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "officeId", type: "integer" },
          { name: "ownerType", type: "varchar", length: "10" },
          { name: "returnId", type: "integer", isNullable: true },
          { name: "decisionId", type: "integer", isNullable: true },
          { name: "briefId", type: "integer", isNullable: true },
          { name: "filename", type: "varchar", length: "200" },
          { name: "contentType", type: "varchar", length: "120" },
          { name: "sizeBytes", type: "integer" },
          { name: "sha256", type: "varchar", length: "64" },
          { name: "uploadedById", type: "integer" },
          { name: "uploadedAt", type: timestamp },
        ],
        indices: [
          new TableIndex({ columnNames: ["returnId"] }),
          new TableIndex({ columnNames: ["decisionId"] }),
          new TableIndex({ columnNames: ["briefId"] }),
          new TableIndex({ columnNames: ["sha256"] }),
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("attachment", true);
    await queryRunner.dropTable("figure_flag", true);
    await queryRunner.dropTable("return_comment", true);
  }
}
