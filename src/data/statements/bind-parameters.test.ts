import { describe, expect, it } from 'vitest';
import { bindParameters, parameterType } from './bind-parameters.js';

describe('bindParameters', () => {
  it('turns :name markers into typed prepared parameters', () => {
    const bound = bindParameters('SELECT * FROM t WHERE region = :region AND amount > :min', [
      { name: 'region', value: 'EU' },
      { name: 'min', value: '10.5', type: 'DECIMAL(10,2)' },
    ]);
    expect(bound.sql).toBe(
      'SELECT * FROM t WHERE region = CAST($region AS VARCHAR) AND amount > CAST($min AS DECIMAL(10,2))',
    );
    expect(bound.values).toEqual({ region: 'EU', min: '10.5' });
    expect([...bound.names].sort()).toEqual(['min', 'region']);
  });

  it('leaves strings, quoted names, comments and casts alone', () => {
    const sql = `SELECT ':x', ":x", $$:x$$, $t$ :x $t$, a::INT, {'k': 1} -- :x\n /* :x */ FROM t WHERE b = :x`;
    const bound = bindParameters(sql, [{ name: 'x', value: "'; DROP TABLE t; --" }]);
    expect(bound.sql).toBe(sql.replace(/= :x$/, '= CAST($x AS VARCHAR)'));
    expect(bound.values.x).toBe("'; DROP TABLE t; --");
  });

  it('refuses bad names, duplicates, unknown types and unused parameters', () => {
    expect(() => bindParameters('SELECT :a', [{ name: 'a b', value: '1' }])).toThrow(/not valid/);
    expect(() =>
      bindParameters('SELECT :a', [
        { name: 'a', value: '1' },
        { name: 'a', value: '2' },
      ]),
    ).toThrow(/twice/);
    expect(() => bindParameters('SELECT :a', [{ name: 'a', value: '1', type: 'INT); DROP' }])).toThrow(
      /not supported/,
    );
    expect(() => bindParameters('SELECT 1', [{ name: 'a', value: '1' }])).toThrow(/not used/);
    expect(parameterType('long')).toBe('BIGINT');
    expect(() => parameterType('DECIMAL(40,2)')).toThrow();
  });
});
