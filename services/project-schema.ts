/**
 * The `.cwbproj` file format: an SQLite database marked with our application id, its schema
 * version in `user_version`, and the migrations that bring an older file up to date. A migration
 * is applied inside one transaction together with the version bump, so a file is always at exactly
 * one schema version, never between two.
 */
import type Database from 'better-sqlite3';

/** "CWBP" as a big-endian 32-bit integer: how we tell our files from other SQLite databases. */
export const APPLICATION_ID = 0x43574250;

export interface Migration {
  /** The schema version this migration produces. */
  readonly version: number;
  readonly description: string;
  readonly apply: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'models with versions, scenarios, data tables, runs as binary arrays',
    apply: (db) => db.exec(`
      CREATE TABLE model (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE model_version (
        model_id INTEGER NOT NULL REFERENCES model(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        text TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        saved_at TEXT NOT NULL,
        PRIMARY KEY (model_id, version)
      ) WITHOUT ROWID;
      CREATE TABLE scenario (
        id INTEGER PRIMARY KEY,
        model_id INTEGER NOT NULL REFERENCES model(id) ON DELETE CASCADE,
        name TEXT NOT NULL COLLATE NOCASE,
        overrides TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (model_id, name)
      );
      CREATE TABLE data_table (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE,
        columns TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        body TEXT NOT NULL,
        units TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        imported_at TEXT NOT NULL
      );
      CREATE TABLE run (
        id INTEGER PRIMARY KEY,
        model_id INTEGER NOT NULL REFERENCES model(id) ON DELETE CASCADE,
        model_version INTEGER NOT NULL,
        label TEXT NOT NULL,
        settings TEXT NOT NULL,
        created_at TEXT NOT NULL,
        series TEXT NOT NULL,
        time_count INTEGER NOT NULL,
        times BLOB NOT NULL,
        "values" BLOB NOT NULL
      );
      CREATE INDEX run_by_model ON run(model_id);
    `),
  },
  {
    version: 2,
    description: 'scenarios with graph and data-table overrides and a description; sensitivity analyses with the spec that produced them',
    apply: (db) => db.exec(`
      ALTER TABLE scenario ADD COLUMN graphs TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE scenario ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE scenario ADD COLUMN description TEXT NOT NULL DEFAULT '';
      CREATE TABLE sensitivity_run (
        id INTEGER PRIMARY KEY,
        model_id INTEGER NOT NULL REFERENCES model(id) ON DELETE CASCADE,
        model_version INTEGER NOT NULL,
        label TEXT NOT NULL,
        method TEXT NOT NULL,
        spec TEXT NOT NULL,
        scenario TEXT,
        created_at TEXT NOT NULL,
        planned_runs INTEGER NOT NULL,
        completed_runs INTEGER NOT NULL,
        failed_runs INTEGER NOT NULL,
        elapsed_ms REAL NOT NULL,
        result TEXT NOT NULL
      );
      CREATE INDEX sensitivity_by_model ON sensitivity_run(model_id);
    `),
  },
  {
    version: 3,
    description: 'data tables record the date of their source and the notes of their import',
    apply: (db) => db.exec(`
      ALTER TABLE data_table ADD COLUMN source_date TEXT NOT NULL DEFAULT '';
      ALTER TABLE data_table ADD COLUMN notes TEXT NOT NULL DEFAULT '[]';
    `),
  },
  {
    version: 4,
    description: 'the hypothesis register: statements with optional tests on model outputs',
    apply: (db) => db.exec(`
      CREATE TABLE hypothesis (
        id INTEGER PRIMARY KEY,
        model_id INTEGER NOT NULL REFERENCES model(id) ON DELETE CASCADE,
        statement TEXT NOT NULL,
        test TEXT,
        position INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX hypothesis_by_model ON hypothesis(model_id);
    `),
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
