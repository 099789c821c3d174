import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { LOCAL_DATA_FORMAT, prepareDataDir } from '../../local/dynamodb-local.ts';

const freshParent = (): string => mkdtempSync(join(tmpdir(), 'data-dir-'));

describe('the local data directory', () => {
  it('starts a new directory in the current format', () => {
    const dataDir = join(freshParent(), 'data');

    expect(prepareDataDir(dataDir)).toBeUndefined();
    expect(readFileSync(join(dataDir, 'FORMAT'), 'utf8').trim()).toBe(LOCAL_DATA_FORMAT);
  });

  it('keeps data of the current format where it is', () => {
    const dataDir = join(freshParent(), 'data');
    prepareDataDir(dataDir);
    writeFileSync(join(dataDir, 'shared-local-instance.db'), 'tables');

    expect(prepareDataDir(dataDir)).toBeUndefined();
    expect(readFileSync(join(dataDir, 'shared-local-instance.db'), 'utf8')).toBe('tables');
  });

  it('moves data of an older format aside, whole, and starts afresh', () => {
    const parent = freshParent();
    const dataDir = join(parent, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'shared-local-instance.db'), 'old tables');

    const setAside = prepareDataDir(dataDir);

    expect(setAside).toMatch(/data-format-1-/);
    expect(readFileSync(join(setAside ?? '', 'shared-local-instance.db'), 'utf8')).toBe('old tables');
    expect(readdirSync(dataDir)).toEqual(['FORMAT']);
    expect(existsSync(join(parent, 'data'))).toBe(true);
  });
});
