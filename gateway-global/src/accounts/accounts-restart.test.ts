import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postRegister, postToken, testGateway, verifyWithServedJwks } from '../../test/test-support.ts';
import { loadEnv } from '../env.ts';
import { createUserDirectory } from '../oauth/user-directory.ts';
import { createCustomerStore } from './customer-store.ts';
import { openAccountsDatabase } from './open.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The token service as main.ts composes it over a data directory; `close` is its shutdown. */
async function startGateway(dataDir: string) {
  const accounts = openAccountsDatabase(loadEnv({ DATA_DIR: dataDir }).accountsFile);
  const { app } = await testGateway({ users: await createUserDirectory(createCustomerStore(accounts.db)) });
  return { app, close: accounts.close };
}

describe('registered customers', () => {
  it('keep their accounts, ids and passwords across a restart with the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gateway-accounts-'));
    dirs.push(dataDir);

    const first = await startGateway(dataDir);
    const created = await postRegister(first.app, { email: 'Kim@Example.net', password: 'lantern-river-7', name: 'Kim' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    first.close();

    const second = await startGateway(dataDir);
    try {
      const token = await postToken(second.app, { grant_type: 'password', username: 'kim@example.net', password: 'lantern-river-7' });
      expect(token.status).toBe(200);
      const { payload } = await verifyWithServedJwks(second.app, ((await token.json()) as { access_token: string }).access_token);
      expect(payload).toMatchObject({ sub: id, email: 'kim@example.net', scope: 'orders:read orders:write' });
      // Still taken after the restart.
      const again = await postRegister(second.app, { email: ' KIM@example.net', password: 'another-one-88', name: 'Kim 2' });
      expect(again.status).toBe(409);
    } finally {
      second.close();
    }
  });

  it('are kept as salted hashes, never as the password', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gateway-accounts-'));
    dirs.push(dataDir);
    const gateway = await startGateway(dataDir);
    for (const email of ['one@example.net', 'two@example.net']) {
      expect((await postRegister(gateway.app, { email, password: 'same-password-1', name: 'Same' })).status).toBe(201);
    }
    gateway.close();

    const { sqlite, close } = openAccountsDatabase(join(dataDir, 'accounts.db'));
    const rows = sqlite.prepare('SELECT * FROM customers').all() as Record<string, unknown>[];
    close();
    expect(rows).toHaveLength(2);
    const stored = rows.map((row) =>
      Object.values(row)
        .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
        .join('|'),
    );
    for (const text of stored) expect(text).not.toContain('same-password-1');
    expect(rows[0]!.password_hash).not.toEqual(rows[1]!.password_hash);
    expect(rows[0]!.password_salt).not.toEqual(rows[1]!.password_salt);
  });
});
