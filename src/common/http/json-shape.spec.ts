import { JSON_LIMITS, jsonShapeProblem, wellFormedJson } from './json-shape.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

describe('jsonShapeProblem', () => {
  it('accepts what real clients send', () => {
    expect(jsonShapeProblem(bytes('{"email":"a@b.c","password":"x"}'))).toBeUndefined();
    expect(jsonShapeProblem(bytes(nested(JSON_LIMITS.maxDepth)))).toBeUndefined();
    const ids = Array.from({ length: 10_000 }, (_, i) => `"00000000-0000-4000-8000-${String(i).padStart(12, '0')}"`);
    expect(jsonShapeProblem(bytes(`{"add_users":[${ids.join(',')}]}`))).toBeUndefined();
    const members = ids.map((id) => `{"value":${id},"display":"someone"}`);
    expect(jsonShapeProblem(bytes(`{"schemas":["x"],"members":[${members.join(',')}]}`))).toBeUndefined();
  });

  it('rejects nesting one level past the limit, in objects and in arrays', () => {
    expect(jsonShapeProblem(bytes(nested(JSON_LIMITS.maxDepth + 1)))).toMatch(/more than 32 levels/);
    expect(jsonShapeProblem(bytes('['.repeat(33) + ']'.repeat(33)))).toMatch(/levels/);
    expect(jsonShapeProblem(bytes(`{"email":${nested(100_000)},"password":"x"}`))).toMatch(/levels/);
  });

  it('rejects more keys and items than the limit', () => {
    const items = new Array(JSON_LIMITS.maxElements + 1).fill('0').join(',');
    expect(jsonShapeProblem(bytes(`[${items}]`))).toMatch(/more than 100000/);
    const exactly = new Array(JSON_LIMITS.maxElements).fill('0').join(',');
    expect(jsonShapeProblem(bytes(`[${exactly}]`))).toBeUndefined();
  });

  it('rejects an object with more keys than the limit, wherever it is', () => {
    const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;
    expect(jsonShapeProblem(bytes(keys(JSON_LIMITS.maxObjectKeys)))).toBeUndefined();
    expect(jsonShapeProblem(bytes(keys(JSON_LIMITS.maxObjectKeys + 1)))).toBe(
      'An object in the request body holds more than 256 keys.',
    );
    expect(jsonShapeProblem(bytes(`{"a":[1,2,${keys(JSON_LIMITS.maxObjectKeys + 1)}]}`))).toMatch(/more than 256 keys/);
    // Keys of sibling objects and items of arrays are not one object's keys.
    expect(jsonShapeProblem(bytes(`[${new Array(1000).fill(keys(10)).join(',')}]`))).toBeUndefined();
    expect(jsonShapeProblem(bytes(`{"a":[${new Array(1000).fill('1').join(',')}],"b":2}`))).toBeUndefined();
  });

  it('does not count brackets and commas inside strings, escaped quotes included', () => {
    const text = `{"a":"${'[{,'.repeat(200_000)}\\"[[[["}`;
    expect(jsonShapeProblem(bytes(text))).toBeUndefined();
    expect(jsonShapeProblem(bytes('{"a":"\\\\"}'))).toBeUndefined();
    // After an escaped backslash the quote closes the string, so the brackets that follow count.
    expect(jsonShapeProblem(bytes(`{"a":"\\\\",${'['.repeat(40)}`))).toMatch(/levels/);
  });
});

describe('wellFormedJson', () => {
  it('replaces lone surrogates with U+FFFD in strings and keys, at any depth, and keeps pairs', () => {
    const body = JSON.parse('{"a":"x\\ud800y","k\\udc00":["\\ud83d\\ude00",{"b":"\\udfff"}],"n":1,"z":null}');
    expect(wellFormedJson(body)).toEqual({ a: 'x\ufffdy', 'k\ufffd': ['\u{1f600}', { b: '\ufffd' }], n: 1, z: null });
  });
});
