// Rewrites the field table of docs/triplets.md from the triplet's schema: `npx node adapters/scripts/write-triplet-docs.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { FIELD_TABLE_MARKERS, tripletFieldTable } from '../src/triplet-field-table.ts';

const path = new URL('../../docs/triplets.md', import.meta.url);
const [start, end] = FIELD_TABLE_MARKERS;
const docs = readFileSync(path, 'utf8');
const before = docs.slice(0, docs.indexOf(start) + start.length);
const after = docs.slice(docs.indexOf(end));
writeFileSync(path, `${before}\n\n${tripletFieldTable()}\n\n${after}`);
