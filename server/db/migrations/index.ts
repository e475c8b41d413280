import type { MigrationInterface } from "typeorm";
import { InitialSchema1700000000000 } from "./1700000000000-initial-schema.js";
import { ScorecardAggregates1706000000000 } from "./1706000000000-scorecard-aggregates.js";

/** Every migration, oldest first; `openDatabase()` runs the ones not yet applied. */
export const migrations: Array<new () => MigrationInterface> = [InitialSchema1700000000000, ScorecardAggregates1706000000000];
