import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { isLakegateError } from './errors.js';

const SOURCE = '/etc/lakegate/lakegate.yaml';

interface Problem {
  path: string;
  message: string;
}

/** The CONFIG_INVALID error parseConfig throws for `text`: its message and its per-field problems. */
function problemsOf(text: string): { message: string; issues: Problem[] } {
  try {
    parseConfig(text, SOURCE);
  } catch (error) {
    if (!isLakegateError(error)) throw error;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(SOURCE);
    return { message: error.message, issues: (error.details['issues'] as Problem[] | undefined) ?? [] };
  }
  throw new Error('expected the config to be refused');
}

function pathsOf(text: string): string[] {
  return problemsOf(text).issues.map((i) => i.path);
}

const yaml = (lines: string[]) => `${lines.join('\n')}\n`;

describe('parseConfig accepts', () => {
  it('an empty file, as the defaults', () => {
    expect(parseConfig('', SOURCE)).toEqual({ server: {}, providers: {}, endpoints: {}, routing: {} });
    expect(parseConfig('# only a comment\n', SOURCE).endpoints).toEqual({});
  });

  it('providers, endpoints and routing, filling in the defaults', () => {
    const config = parseConfig(
      yaml([
        'server: { host: 0.0.0.0, port: 9000, maxBodyBytes: 1048576, http1: node }',
        'providers:',
        '  vllm: { type: openai-compatible, preset: vllm, baseUrl: "http://127.0.0.1:8000/v1" }',
        '  anthropic: { type: anthropic, apiKeyEnv: MY_ANTHROPIC_KEY }',
        '  bedrock: { type: bedrock, region: eu-central-1, accessKeyIdEnv: AWS_KEY_ID, secretAccessKeyEnv: _AWS_SECRET }',
        'endpoints:',
        '  claims-assistant:',
        '    served:',
        '      - { model: anthropic/claude-sonnet-4-5, traffic: 90 }',
        '      - { model: vllm/qwen3, traffic: 10 }',
        '    fallbacks: [bedrock/anthropic.claude-3-5-haiku-20241022-v1:0, local/extractive]',
        '    retry: { attempts: 3 }',
        '  embed.v1:',
        '    task: embeddings',
        '    served: [{ model: local/embed }]',
        'routing: { defaultProvider: bedrock }',
      ]),
      SOURCE,
    );
    expect(config.server).toEqual({ host: '0.0.0.0', port: 9000, maxBodyBytes: 1048576, http1: 'node' });
    expect(config.providers['vllm']).toEqual({
      type: 'openai-compatible',
      preset: 'vllm',
      baseUrl: 'http://127.0.0.1:8000/v1',
    });
    expect(config.providers['anthropic']).toEqual({ type: 'anthropic', apiKeyEnv: 'MY_ANTHROPIC_KEY' });
    expect(config.providers['bedrock']).toMatchObject({
      region: 'eu-central-1',
      secretAccessKeyEnv: '_AWS_SECRET',
    });
    expect(config.endpoints['claims-assistant']).toEqual({
      task: 'chat',
      served: [
        { model: 'anthropic/claude-sonnet-4-5', traffic: 90 },
        { model: 'vllm/qwen3', traffic: 10 },
      ],
      fallbacks: ['bedrock/anthropic.claude-3-5-haiku-20241022-v1:0', 'local/extractive'],
      retry: { attempts: 3, initialDelayMs: 200, maxDelayMs: 5_000 },
      timeout: { attemptMs: 60_000, totalMs: 180_000 },
    });
    expect(config.endpoints['embed.v1']).toMatchObject({ task: 'embeddings', fallbacks: [] });
    expect(config.routing).toEqual({ defaultProvider: 'bedrock' });
  });

  it('traffic shares that add up to 100 in floating point', () => {
    const config = parseConfig(
      yaml([
        'endpoints:',
        '  thirds:',
        '    served:',
        '      - { model: a/x, traffic: 33.3 }',
        '      - { model: b/y, traffic: 33.3 }',
        '      - { model: c/z, traffic: 33.4 }',
      ]),
      SOURCE,
    );
    expect(config.endpoints['thirds']?.served).toHaveLength(3);
  });
});

describe('parseConfig refuses', () => {
  it('text that is not YAML, naming the file and the place', () => {
    const { message } = problemsOf('endpoints: [\n');
    expect(message).toMatch(/not valid YAML/);
    expect(message).toMatch(/line \d+/);
  });

  it('a key given twice', () => {
    expect(problemsOf('server: { port: 1 }\nserver: { port: 2 }\n').message).toMatch(/not valid YAML/);
  });

  it('a document that is not a mapping', () => {
    expect(pathsOf('- a\n- b\n')).toEqual(['(root)']);
    expect(pathsOf('just a string\n')).toEqual(['(root)']);
  });

  it('unknown keys at every level, each with its own path', () => {
    const { message, issues } = problemsOf(
      yaml([
        'sever: {}',
        'server: { hots: 0.0.0.0 }',
        'providers:',
        '  vllm: { type: openai-compatible, baseURL: "http://127.0.0.1:8000/v1" }',
        'endpoints:',
        '  chat:',
        '    served: [{ model: a/b, trafic: 100 }]',
        '    retry: { attempt: 2 }',
      ]),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      'endpoints.chat.retry.attempt',
      'endpoints.chat.served.0.trafic',
      'providers.vllm.baseURL',
      'server.hots',
      'sever',
    ]);
    expect(message).toContain('endpoints.chat.served.0.trafic: unknown field');
    expect(message).toMatch(/has 5 problem\(s\)/);
  });

  it('a bad field type with the path of the field', () => {
    const { message, issues } = problemsOf(
      yaml(['endpoints:', '  chat:', '    served: [{ model: a/b, traffic: "all of it" }]']),
    );
    expect(issues.map((i) => i.path)).toEqual(['endpoints.chat.served.0.traffic']);
    expect(message).toContain('endpoints.chat.served.0.traffic');
  });

  it('traffic shares that do not add up to 100', () => {
    const under = problemsOf(
      yaml([
        'endpoints:',
        '  chat:',
        '    served:',
        '      - { model: a/b, traffic: 50 }',
        '      - { model: c/d, traffic: 40 }',
      ]),
    );
    expect(under.issues).toEqual([
      { path: 'endpoints.chat.served', message: 'traffic shares add up to 90, not 100' },
    ]);
    const over = problemsOf(
      yaml([
        'endpoints:',
        '  chat:',
        '    served:',
        '      - { model: a/b, traffic: 60 }',
        '      - { model: c/d, traffic: 60 }',
      ]),
    );
    expect(over.message).toContain('add up to 120');
    expect(pathsOf(yaml(['endpoints:', '  solo:', '    served: [{ model: a/b, traffic: 99 }]']))).toEqual([
      'endpoints.solo.served',
    ]);
  });

  it('traffic shares given to some served models but not all', () => {
    const { issues } = problemsOf(
      yaml([
        'endpoints:',
        '  chat:',
        '    served:',
        '      - { model: a/b, traffic: 100 }',
        '      - { model: c/d }',
      ]),
    );
    expect(issues).toEqual([
      { path: 'endpoints.chat.served', message: 'give every served model a traffic share, or none' },
    ]);
  });

  it('a traffic share outside 0-100, and an endpoint that serves nothing', () => {
    expect(
      pathsOf(
        yaml([
          'endpoints:',
          '  chat:',
          '    served:',
          '      - { model: a/b, traffic: 150 }',
          '      - { model: c/d, traffic: -50 }',
        ]),
      ),
    ).toEqual(['endpoints.chat.served.0.traffic', 'endpoints.chat.served.1.traffic']);
    expect(pathsOf(yaml(['endpoints:', '  chat: { served: [] }']))).toEqual(['endpoints.chat.served']);
    expect(pathsOf(yaml(['endpoints:', '  chat: { fallbacks: [a/b] }']))).toEqual(['endpoints.chat.served']);
  });

  it.each([
    ['no provider', 'gpt-4.1'],
    ['an empty provider', '/gpt-4.1'],
    ['an empty model', 'openai/'],
    ['a space in the provider', 'open ai/gpt-4.1'],
  ])('a served model with %s', (_name, model) => {
    const { issues } = problemsOf(yaml(['endpoints:', '  chat:', `    served: [{ model: "${model}" }]`]));
    expect(issues).toEqual([{ path: 'endpoints.chat.served.0.model', message: 'must be "provider/model"' }]);
  });

  it('a fallback that is not provider/model', () => {
    expect(
      pathsOf(
        yaml(['endpoints:', '  chat:', '    served: [{ model: a/b }]', '    fallbacks: [a/c, extractive]']),
      ),
    ).toEqual(['endpoints.chat.fallbacks.1']);
  });

  it('an unknown provider type, or none', () => {
    expect(pathsOf(yaml(['providers:', '  x: { type: openia }']))).toEqual(['providers.x.type']);
    expect(pathsOf(yaml(['providers:', '  x: { baseUrl: "http://127.0.0.1:1" }']))).toEqual([
      'providers.x.type',
    ]);
  });

  it('a provider base URL that is not http(s)', () => {
    expect(pathsOf(yaml(['providers:', '  x: { type: openai, baseUrl: "ftp://example.com/v1" }']))).toEqual([
      'providers.x.baseUrl',
    ]);
    expect(pathsOf(yaml(['providers:', '  x: { type: openai, baseUrl: "not a url" }']))).toEqual([
      'providers.x.baseUrl',
    ]);
  });

  it('provider and endpoint names with characters outside the allowed set', () => {
    const { issues } = problemsOf(
      yaml([
        'providers:',
        '  "my provider": { type: local }',
        'endpoints:',
        '  "chat/v1":',
        '    served: [{ model: a/b }]',
      ]),
    );
    expect(issues.map((i) => i.path)).toEqual(['providers.my provider', 'endpoints.chat/v1']);
    expect(issues[0]?.message).toMatch(/letters, digits/);
  });

  it.each([
    ['starting with a digit', '1PASSWORD'],
    ['with a dash', 'OPENAI-API-KEY'],
    ['with a dollar sign', '$OPENAI_API_KEY'],
    ['empty', ''],
  ])('an environment variable name %s', (_name, value) => {
    const { issues } = problemsOf(yaml(['providers:', `  x: { type: openai, apiKeyEnv: "${value}" }`]));
    expect(issues).toEqual([
      { path: 'providers.x.apiKeyEnv', message: 'must be an environment variable name' },
    ]);
  });

  it('a secret pasted where a variable name belongs, without echoing the secret', () => {
    const secret = 'sk-proj-Zx81aQ0c9Lm2Vb7Tn4Rk';
    const { message, issues } = problemsOf(
      yaml(['providers:', `  bedrock: { type: bedrock, secretAccessKeyEnv: "${secret}" }`]),
    );
    expect(issues.map((i) => i.path)).toEqual(['providers.bedrock.secretAccessKeyEnv']);
    expect(message).not.toContain(secret);
  });

  it('out-of-range numbers', () => {
    expect(pathsOf('server: { port: 70000 }\n')).toEqual(['server.port']);
    expect(pathsOf('server: { port: 80.5 }\n')).toEqual(['server.port']);
    expect(pathsOf('routing: { retry: { attempts: 11 } }\n')).toEqual(['routing.retry.attempts']);
    expect(pathsOf('providers:\n  l: { type: local, embedDimensions: 8 }\n')).toEqual([
      'providers.l.embedDimensions',
    ]);
  });
});

describe('parseConfig: limits', () => {
  it('accepts rate limits, budgets and concurrency, filling in the defaults', () => {
    const config = parseConfig(
      yaml([
        'limits:',
        '  rateLimits:',
        '    - { key: user, calls: 60 }',
        '    - { name: claims-team-tpm, key: user_group, principal: claims, tokens: 200000, renewalPeriod: hour }',
        '    - { key: api_key, principal: lgk_0123, calls: 10, endpoint: chat }',
        '  budgets:',
        '    - { key: user_group, principal: claims, amountUsd: 500, period: month }',
        '    - { key: endpoint, amountUsd: 20.5, period: day, mode: alert, alertAt: [0.5, 1] }',
        'endpoints:',
        '  chat:',
        '    served: [{ model: a/b }]',
        '    rateLimits: [{ key: endpoint, calls: 1000 }, { key: user, tokens: 50000 }]',
        '    concurrency: { capacity: 8, reserved: [{ key: user_group, principal: claims, slots: 3 }] }',
      ]),
      SOURCE,
    );
    expect(config.limits).toEqual({
      failMode: 'open',
      redisTimeoutMs: 250,
      leaseSeconds: 60,
      rateLimits: [
        { key: 'user', calls: 60, renewalPeriod: 'minute' },
        {
          name: 'claims-team-tpm',
          key: 'user_group',
          principal: 'claims',
          tokens: 200000,
          renewalPeriod: 'hour',
        },
        { key: 'api_key', principal: 'lgk_0123', calls: 10, endpoint: 'chat', renewalPeriod: 'minute' },
      ],
      budgets: [
        {
          key: 'user_group',
          principal: 'claims',
          amountUsd: 500,
          period: 'month',
          mode: 'block',
          alertAt: [0.8, 1],
        },
        { key: 'endpoint', amountUsd: 20.5, period: 'day', mode: 'alert', alertAt: [0.5, 1] },
      ],
    });
    expect(config.endpoints['chat']?.rateLimits).toEqual([
      { key: 'endpoint', calls: 1000, renewalPeriod: 'minute' },
      { key: 'user', tokens: 50000, renewalPeriod: 'minute' },
    ]);
    expect(config.endpoints['chat']?.concurrency).toEqual({
      capacity: 8,
      reserved: [{ key: 'user_group', principal: 'claims', slots: 3 }],
    });
  });

  it('leaves limits out when none are configured', () => {
    expect(parseConfig('', SOURCE).limits).toBeUndefined();
    expect(parseConfig(yaml(['limits: {}']), SOURCE).limits).toEqual({
      failMode: 'open',
      redisTimeoutMs: 250,
      leaseSeconds: 60,
      rateLimits: [],
      budgets: [],
    });
  });

  it('refuses bad limits, each at its own path', () => {
    const { issues } = problemsOf(
      yaml([
        'limits:',
        '  failMode: shut',
        '  rateLimits:',
        '    - { key: user, calls: 10, tokens: 100 }',
        '    - { key: user }',
        '    - { key: everyone, calls: 1 }',
        '    - { key: endpoint, principal: alice, calls: 1 }',
        '    - { key: user, calls: 0, renewalPeriod: week }',
        '    - { key: user, calls: 5, renewal_period: minute }',
        '  budgets:',
        '    - { key: user, amountUsd: -1, period: year }',
        '    - { key: user, amountUsd: 5, period: day, mode: warn }',
        'endpoints:',
        '  chat:',
        '    served: [{ model: a/b }]',
        '    rateLimits: [{ key: user, calls: 1, endpoint: other }]',
        '    concurrency: { capacity: 2, reserved: [{ key: user, principal: a, slots: 2 }, { key: user_group, principal: b, slots: 1 }] }',
      ]),
    );
    expect(issues).toEqual([
      // An endpoint's own limits already apply to that endpoint.
      { path: 'endpoints.chat.rateLimits.0.endpoint', message: 'unknown field' },
      {
        path: 'endpoints.chat.concurrency.reserved',
        message: 'reserved slots add up to 3, more than the capacity 2',
      },
      { path: 'limits.failMode', message: expect.any(String) },
      { path: 'limits.rateLimits.0.calls', message: 'give exactly one of calls or tokens' },
      { path: 'limits.rateLimits.1.calls', message: 'give exactly one of calls or tokens' },
      { path: 'limits.rateLimits.2.key', message: expect.any(String) },
      { path: 'limits.rateLimits.3.principal', message: 'an endpoint limit names no principal' },
      { path: 'limits.rateLimits.4.calls', message: expect.any(String) },
      { path: 'limits.rateLimits.4.renewalPeriod', message: expect.any(String) },
      { path: 'limits.rateLimits.5.renewal_period', message: 'unknown field' },
      { path: 'limits.budgets.0.amountUsd', message: expect.any(String) },
      { path: 'limits.budgets.0.period', message: expect.any(String) },
      { path: 'limits.budgets.1.mode', message: expect.any(String) },
    ]);
  });
});

describe('parseConfig: data', () => {
  it('accepts the governed-data settings', () => {
    const config = parseConfig(
      yaml([
        'data:',
        '  memoryLimit: 4GB',
        '  threads: 2',
        '  statementTimeoutSeconds: 60',
        '  retainTableVersions: 5',
      ]),
      SOURCE,
    );
    expect(config.data).toEqual({
      memoryLimit: '4GB',
      threads: 2,
      statementTimeoutSeconds: 60,
      retainTableVersions: 5,
    });
  });

  it('reports a bad setting at its path', () => {
    expect(pathsOf(yaml(['data:', '  memoryLimit: lots', '  threads: 0', '  statementTimeout: 5']))).toEqual([
      'data.memoryLimit',
      'data.threads',
      'data.statementTimeout',
    ]);
  });
});

describe('parseConfig: response cache and inference tables', () => {
  it('accepts both on an endpoint, filling in the defaults', () => {
    const config = parseConfig(
      yaml([
        'endpoints:',
        '  chat:',
        '    served: [{ model: a/b }]',
        '    cache: {}',
        '    inferenceTable: { table: ops.logs.chat }',
        '  tuned:',
        '    served: [{ model: a/b }]',
        '    cache: { ttlSeconds: 30, maxEntries: 50 }',
        '    inferenceTable: { table: ops.logs.tuned, sampleRate: 0.25 }',
      ]),
      SOURCE,
    );
    expect(config.endpoints.chat?.cache).toEqual({ ttlSeconds: 300, maxEntries: 1000 });
    expect(config.endpoints.chat?.inferenceTable).toEqual({ table: 'ops.logs.chat', sampleRate: 1 });
    expect(config.endpoints.tuned?.cache).toEqual({ ttlSeconds: 30, maxEntries: 50 });
    expect(config.endpoints.tuned?.inferenceTable).toEqual({ table: 'ops.logs.tuned', sampleRate: 0.25 });
  });

  it('leaves both out unless an endpoint opts in', () => {
    const config = parseConfig(yaml(['endpoints:', '  chat:', '    served: [{ model: a/b }]']), SOURCE);
    expect(config.endpoints.chat?.cache).toBeUndefined();
    expect(config.endpoints.chat?.inferenceTable).toBeUndefined();
  });

  it('refuses bad values, each at its own path', () => {
    const { issues } = problemsOf(
      yaml([
        'endpoints:',
        '  chat:',
        '    served: [{ model: a/b }]',
        '    cache: { ttlSeconds: 0, maxEntries: 2.5, shared: true }',
        '    inferenceTable: { table: logs.chat, sampleRate: 1.5 }',
      ]),
    );
    expect(issues).toEqual([
      { path: 'endpoints.chat.cache.ttlSeconds', message: expect.any(String) },
      { path: 'endpoints.chat.cache.maxEntries', message: expect.any(String) },
      { path: 'endpoints.chat.cache.shared', message: 'unknown field' },
      { path: 'endpoints.chat.inferenceTable.table', message: 'must be "catalog.schema.table"' },
      { path: 'endpoints.chat.inferenceTable.sampleRate', message: expect.any(String) },
    ]);
  });
});
