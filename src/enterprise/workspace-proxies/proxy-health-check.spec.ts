import {
  decodeHealthReport,
  healthFromResponse,
  healthFromTransportError,
  healthReportUrl,
  MAX_MESSAGE_LENGTH,
  MAX_REPORT_ENTRIES,
  unregisteredHealth,
} from './proxy-health-check.js';

const now = new Date('2026-01-02T03:04:05Z');

describe('proxy health classification (Coder proxyhealth)', () => {
  it('requests only <origin>/healthz-report', () => {
    expect(healthReportUrl('https://proxy.example.com')).toBe('https://proxy.example.com/healthz-report');
    expect(healthReportUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/healthz-report');
  });

  it('a 200 report without errors is ok, and keeps its warnings', () => {
    expect(healthFromResponse(200, '{"errors":[],"warnings":["old version"]}', now)).toEqual({
      status: 'ok',
      report: { errors: [], warnings: ['old version'] },
      checkedAt: now,
    });
    expect(healthFromResponse(200, '{}', now).status).toBe('ok');
    expect(healthFromResponse(200, 'null', now).status).toBe('ok');
    expect(healthFromResponse(200, '{"errors":null,"extra":1}', now).status).toBe('ok');
  });

  it('a 200 report with errors is unhealthy with those errors and warnings', () => {
    expect(healthFromResponse(200, '{"errors":["derp down"],"warnings":["w"]}', now)).toEqual({
      status: 'unhealthy',
      report: { errors: ['derp down'], warnings: ['w'] },
      checkedAt: now,
    });
  });

  it.each([['<html>hello</html>'], ['[]'], ['"text"'], ['{"errors":"x"}'], ['{"errors":[1]}'], ['{"warnings":{}}']])(
    'a 200 that is not a report (%s) is unhealthy: failed to decode health report',
    (body) => {
      const health = healthFromResponse(200, body, now);
      expect(health.status).toBe('unhealthy');
      expect(health.report.errors).toHaveLength(1);
      expect(health.report.errors[0]).toMatch(/^failed to decode health report: /);
    },
  );

  it.each([404, 500, 302, 204])('status %d is unhealthy: unexpected status code', (code) => {
    expect(healthFromResponse(code, '', now)).toEqual({
      status: 'unhealthy',
      report: { errors: [`unexpected status code ${code}`], warnings: [] },
      checkedAt: now,
    });
  });

  it('a transport error is unreachable: request to proxy failed', () => {
    const err = Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    expect(healthFromTransportError('http://127.0.0.1:9/healthz-report', err, now)).toEqual({
      status: 'unreachable',
      report: {
        errors: ['request to proxy failed: Get "http://127.0.0.1:9/healthz-report": connect ECONNREFUSED 127.0.0.1:9'],
        warnings: [],
      },
      checkedAt: now,
    });
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect(healthFromTransportError('http://x/healthz-report', timeout, now).report.errors[0]).toBe(
      'request to proxy failed: Get "http://x/healthz-report": context deadline exceeded',
    );
  });

  it('no URL yet: unregistered', () => {
    expect(unregisteredHealth(now)).toEqual({
      status: 'unregistered',
      report: { errors: [], warnings: [] },
      checkedAt: now,
    });
  });

  it('bounds what a proxy can make the server keep', () => {
    const many = JSON.stringify({ errors: Array.from({ length: 500 }, () => 'e'.repeat(5000)) });
    const report = decodeHealthReport(many);
    expect(report.errors).toHaveLength(MAX_REPORT_ENTRIES);
    expect(report.errors[0]).toHaveLength(MAX_MESSAGE_LENGTH);
  });
});
