// Limits on the request path: a call over a limit is refused in each surface's own shape with
// retry-after, a refused caller takes nothing from the limits, token limits settle to real usage, and
// two server processes sharing one Redis hold one limit between them exactly.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, client, userWithKey } from '../../test/support/catalog-rest.js';
import { type Harness, startLakegate, TEST_KEY } from '../../test/support/lakegate-harness.js';
import { redisAvailable, redisUrl } from '../../test/support/redis.js';
import { freePort } from '../../test/support/redis-server.js';

const body = (model: string) => ({
  model,
  messages: [
    { role: 'system', content: 'The deductible is 500 EUR.' },
    { role: 'user', content: 'What is the deductible?' },
  ],
});

async function chat(url: string, key: string, model = 'assistant') {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body(model)),
  });
  const answer = (await response.json()) as { error?: { type: string; code: string } };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: answer };
}

describe('rate limits in one process', () => {
  let lakegate: Harness;
  let admin: Call;
  let anaToken: string;

  beforeAll(async () => {
    lakegate = await startLakegate({
      limits: { rateLimits: [{ key: 'user', calls: 3 }] },
      endpoints: { assistant: { served: [{ model: 'local/extractive' }] } },
    });
    admin = client(lakegate.url);
    anaToken = (await userWithKey(admin, 'ana@example.com')).token;
  });
  afterAll(async () => {
    await lakegate?.close();
  });

  it('refuses a caller past its limit with OpenAI’s rate_limit_exceeded and retry-after', async () => {
    const grant = await admin('PATCH', '/api/2.1/unity-catalog/permissions/serving_endpoint/assistant', {
      changes: [{ principal: 'ana@example.com', add: ['QUERY'] }],
    });
    expect(grant.status).toBe(200);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await chat(lakegate.url, anaToken));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    const refused = answers[3]!;
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // Each user has a counter of their own: the admin is not held back by ana's.
    expect((await chat(lakegate.url, TEST_KEY)).status).toBe(200);
  });

  it('takes nothing from the limits for a caller refused by the access check', async () => {
    const { token } = await userWithKey(admin, 'bo@example.com');
    for (let i = 0; i < 3; i++) expect((await chat(lakegate.url, token)).status).toBe(404);
    const grant = await admin('PATCH', '/api/2.1/unity-catalog/permissions/serving_endpoint/assistant', {
      changes: [{ principal: 'bo@example.com', add: ['QUERY'] }],
    });
    expect(grant.status).toBe(200);
    expect((await chat(lakegate.url, token)).status).toBe(200);
  });

  it('answers the AWS SDK with a ThrottlingException', async () => {
    const { token } = await userWithKey(admin, 'cy@example.com');
    await admin('PATCH', '/api/2.1/unity-catalog/permissions/serving_endpoint/assistant', {
      changes: [{ principal: 'cy@example.com', add: ['QUERY'] }],
    });
    const bedrock = new BedrockRuntimeClient({
      endpoint: lakegate.url,
      region: 'us-east-1',
      token: { token },
      authSchemePreference: ['httpBearerAuth'],
      maxAttempts: 1,
    });
    const converse = () =>
      bedrock.send(
        new ConverseCommand({
          modelId: 'assistant',
          system: [{ text: 'The deductible is 500 EUR.' }],
          messages: [{ role: 'user', content: [{ text: 'What is the deductible?' }] }],
        }),
      );
    for (let i = 0; i < 3; i++) await converse();
    await expect(converse()).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });
    bedrock.destroy();
  });
});

describe('token limits', () => {
  let lakegate: Harness;

  beforeAll(async () => {
    // The estimate (prompt + 1,024 output tokens) fits; the real usage, far smaller, is what stays counted.
    lakegate = await startLakegate({
      limits: { rateLimits: [{ key: 'user', tokens: 1_200 }] },
      endpoints: { assistant: { served: [{ model: 'local/extractive' }] } },
    });
  });
  afterAll(async () => {
    await lakegate?.close();
  });

  it('settles each call to its real usage, so more calls fit than the estimates would allow', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await chat(lakegate.url, TEST_KEY)).status);
      // Settling runs when the usage record is finished, just after the answer is sent.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });
});

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`lakegate exited early:\n${output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`lakegate did not become healthy:\n${output()}`);
}

describe.runIf(redisAvailable())('limits shared by two server processes through Redis', () => {
  const children: ChildProcess[] = [];
  const homes: string[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakegate-replicas-'));
    homes.push(dir);
    const configPath = join(dir, 'lakegate.yaml');
    // A rule of its own name, so that counters left in Redis by earlier runs never count here.
    const rule = `replicas-${process.pid}-${Date.now()}`;
    writeFileSync(
      configPath,
      [
        'limits:',
        '  rateLimits:',
        `    - { name: ${rule}, key: endpoint, calls: 7 }`,
        'endpoints:',
        '  assistant:',
        '    served: [{ model: local/extractive }]',
        '',
      ].join('\n'),
    );
    for (const replica of ['a', 'b']) {
      const home = join(dir, replica);
      const port = await freePort();
      let output = '';
      const child = spawn(process.execPath, ['bin/lakegate.js', 'up'], {
        env: {
          ...process.env,
          LAKEGATE_HOME: home,
          LAKEGATE_PORT: String(port),
          LAKEGATE_HOST: '127.0.0.1',
          LAKEGATE_CONFIG: configPath,
          LAKEGATE_ADMIN_KEY: TEST_KEY,
          LAKEGATE_REDIS_URL: redisUrl(),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr?.on('data', (chunk) => {
        output += chunk;
      });
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url, child, () => output);
      urls.push(url);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  it('admits exactly the limit across both replicas, however the calls are spread', async () => {
    const calls = Array.from({ length: 12 }, (_, i) => chat(urls[i % 2]!, TEST_KEY));
    const statuses = (await Promise.all(calls)).map((c) => c.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  });
});
