import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickHouseSettings } from '@clickhouse/client';
import { sqlString } from '../migrations/attribute-sql.ts';
import { layoutStructure, type RowLayout } from './row-layout.ts';

/** The part of chDB's connection the insert needs. */
export interface ChdbQueryable {
  chdb: { queryAsync(sql: string): Promise<unknown> };
}

/**
 * Inserts into the embedded engine in RowBinary. chDB's raw insert takes text formats only, so the encoded rows go
 * through a file in a folder of their own, read back with `INSERT ... SELECT FROM file()`: writing the file costs
 * far less than the engine would spend parsing the same rows as JSON (measured: several times faster to parse).
 */
export class EmbeddedRowInsert {
  private readonly connection: ChdbQueryable;
  private readonly folder: string;
  private sequence = 0;

  constructor(connection: ChdbQueryable, folder: string) {
    this.connection = connection;
    this.folder = folder;
    // Files left by a process that died mid-insert belong to no one now.
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
  }

  /** Inserts rows already in RowBinary, columns in `layout` order. */
  async insertRowBinary<Row extends object>(
    qualifiedTable: string,
    layout: RowLayout<Row>,
    bytes: Buffer | readonly Buffer[],
    settings: ClickHouseSettings,
  ): Promise<void> {
    const file = join(this.folder, `${process.pid}-${this.sequence++}.rowbinary`);
    // ClickHouse names an untokened INSERT ... SELECT by its query, not its rows: name it by the rows, as a plain INSERT is.
    if (settings.insert_deduplicate && !settings.insert_deduplication_token) {
      const hash = createHash('sha256');
      for (const piece of Buffer.isBuffer(bytes) ? [bytes] : bytes) hash.update(piece);
      settings = { ...settings, insert_deduplication_token: `rows-${hash.digest('base64url')}` };
    }
    // Pieces are written one after the other: joining a 100,000-row batch in memory first cost more than the write.
    await writeFile(file, bytes);
    try {
      const columns = layout.map((column) => `\`${column.name}\``).join(', ');
      await this.connection.chdb.queryAsync(
        `INSERT INTO ${qualifiedTable} (${columns}) SELECT * FROM file(${sqlString(file)}, 'RowBinary', ${sqlString(layoutStructure(layout))})${settingsClause(settings)}`,
      );
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  close(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}

function settingsClause(settings: ClickHouseSettings): string {
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return '';
  return ` SETTINGS ${entries.map(([name, value]) => `${name} = ${typeof value === 'string' ? sqlString(value) : String(value)}`).join(', ')}`;
}
