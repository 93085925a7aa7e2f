import { hostnamePatternError, normaliseProxyUrl, proxyUrlError } from './proxy-urls.js';

describe('proxyUrlError (Coder validateProxyURL, plus no credentials, query or fragment)', () => {
  it.each(['https://proxy.example.com', 'http://127.0.0.1:8080', 'https://proxy.example.com/', 'http://[::1]:3000'])(
    'accepts %s',
    (url) => {
      expect(proxyUrlError(url)).toBeNull();
    },
  );

  it.each([
    ['', 'scheme must be http or https'],
    ['proxy.example.com', 'scheme must be http or https'],
    ['ftp://proxy.example.com', 'scheme must be http or https'],
    ['https://proxy.example.com/path', 'path must be empty or /'],
    ['https://user:pw@proxy.example.com', 'URL must not contain credentials'],
    ['https://proxy.example.com/?a=b', 'URL must not have a query or fragment'],
    ['https://proxy.example.com#x', 'URL must not have a query or fragment'],
    ['http://[::1', 'parse "http://[::1": invalid URL'],
  ])('rejects %j: %s', (url, error) => {
    expect(proxyUrlError(url)).toBe(error);
  });

  it('stores the origin only', () => {
    expect(normaliseProxyUrl('https://Proxy.Example.com:443/')).toBe('https://proxy.example.com');
    expect(normaliseProxyUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  });
});

describe('hostnamePatternError (Coder CompileHostnamePattern)', () => {
  it.each(['*.proxy.example.com', '*--apps.example.com', '*.Example.COM'])('accepts %s', (pattern) => {
    expect(hostnamePatternError(pattern)).toBeNull();
  });

  it.each([
    ['https://*.example.com', 'hostname pattern must not contain a scheme: "https://*.example.com"'],
    ['*.example.com:8080', 'hostname pattern must not contain a port: "*.example.com:8080"'],
    ['.*.example.com', 'hostname pattern must not start or end with a period: ".*.example.com"'],
    ['*.example.com.', 'hostname pattern must not start or end with a period: "*.example.com."'],
    ['*', 'hostname pattern must contain at least two labels/segments: "*"'],
    ['*.*.example.com', 'hostname pattern must contain exactly one asterisk: "*.*.example.com"'],
    ['example.com', 'hostname pattern must contain exactly one asterisk: "example.com"'],
    ['a*.example.com', 'hostname pattern must only contain an asterisk at the beginning: "a*.example.com"'],
    ['*-.example.com', 'hostname pattern contains invalid label "a-": "*-.example.com"'],
    ['*.exa_mple.com', 'hostname pattern contains invalid label "exa_mple": "*.exa_mple.com"'],
  ])('rejects %j', (pattern, error) => {
    expect(hostnamePatternError(pattern)).toBe(error);
  });
});
