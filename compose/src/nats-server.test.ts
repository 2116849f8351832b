import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort, tempDir, type TempDir } from '@retail/testing';
import { natsServerBinary, startNatsServer } from './nats-server.ts';

describe('finding nats-server for npm start, npm run dev and the tests', () => {
  const dirs: TempDir[] = [];
  const dir = () => {
    const made = tempDir('retail-nats-bin-');
    dirs.push(made);
    return made.path;
  };
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const made of dirs.splice(0)) made.remove();
  });

  it('says how to install it, or how to use a running server, when the one asked for does not exist', () => {
    vi.stubEnv('NATS_SERVER_BIN', join(dir(), 'nats-server'));
    expect(() => natsServerBinary()).toThrow(/does not exist/);
    expect(() => natsServerBinary()).toThrow(/`sudo apt-get install nats-server`.*`brew install nats-server`.*NATS_URL/);
  });

  it('takes the one on PATH first', () => {
    const bin = dir();
    writeFileSync(join(bin, 'nats-server'), '#!/bin/sh\n');
    chmodSync(join(bin, 'nats-server'), 0o755);
    vi.stubEnv('NATS_SERVER_BIN', '');
    vi.stubEnv('PATH', bin);
    expect(natsServerBinary()).toBe(join(bin, 'nats-server'));
  });

  it('reports a nats-server that cannot be run instead of crashing the runner', async () => {
    const binary = join(dir(), 'nats-server');
    writeFileSync(binary, 'not a program');
    await expect(
      startNatsServer({ binary, port: await freePort(), dataDir: dir(), config: '', env: {}, onOutput: () => {} }),
    ).rejects.toThrow(/nats-server could not be started: spawn .* EACCES/);
  });
});
