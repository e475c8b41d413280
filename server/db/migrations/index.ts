import type { MigrationInterface } from "typeorm";
import { InitialSchema1700000000000 } from "./1700000000000-initial-schema.js";
import { QuarterCorrections1704000000000 } from "./1704000000000-quarter-corrections.js";

/** Every migration, oldest first; `openDatabase()` runs the ones not yet applied. */
export const migrations: Array<new () => MigrationInterface> = [InitialSchema1700000000000, QuarterCorrections1704000000000];
