import type { MigrationInterface } from "typeorm";
import { InitialSchema1700000000000 } from "./1700000000000-initial-schema.js";
import { OfficeOpenData1708000000000 } from "./1708000000000-office-open-data.js";
import { OcdsRelease1708000000001 } from "./1708000000001-ocds-release.js";

/** Every migration, oldest first; `openDatabase()` runs the ones not yet applied. */
export const migrations: Array<new () => MigrationInterface> = [InitialSchema1700000000000, OfficeOpenData1708000000000, OcdsRelease1708000000001];
