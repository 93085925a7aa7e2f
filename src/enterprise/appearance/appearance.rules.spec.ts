import {
  bannerColorError,
  DEFAULT_SUPPORT_LINKS,
  emptyAppearance,
  hexColorError,
  isHttpUrl,
  linkIconError,
  linkTargetError,
  logoUrlError,
} from './appearance.rules.js';
import { toAppearanceConfig, toAppearanceSettings, toStoredAppearance } from './dto/appearance.dto.js';

describe('hexColorError (Coder validateHexColor, error for error)', () => {
  it.each(['#5f1dc4', '#5F1DC4', '#000000', '#ffffff', '#aBcDeF'])('accepts %s', (color) => {
    expect(hexColorError(color)).toBeNull();
  });

  it.each([
    ['', 'expected # prefix and 6 characters'],
    ['red', 'expected # prefix and 6 characters'],
    ['#12345', 'expected # prefix and 6 characters'],
    ['#1234567', 'expected # prefix and 6 characters'],
    ['1234567', 'no # prefix'],
    ['#12345g', "encoding/hex: invalid byte: U+0067 'g'"],
    ['#g2345z', "encoding/hex: invalid byte: U+0067 'g'"],
    ['#12 456', "encoding/hex: invalid byte: U+0020 ' '"],
    ['#12345\u0007', 'encoding/hex: invalid byte: U+0007'],
    // Go counts bytes: "é" is two, so six characters with one of them "é" are seven bytes.
    ['#1234é', "encoding/hex: invalid byte: U+00C3 'Ã'"],
    ['#12345é', 'expected # prefix and 6 characters'],
  ])('rejects %j with %j', (color, error) => {
    expect(hexColorError(color)).toBe(error);
  });
});

describe('bannerColorError', () => {
  it('requires a colour only for an enabled banner', () => {
    expect(bannerColorError(undefined, true)).toBe('parse color: expected # prefix and 6 characters');
    expect(bannerColorError('', true)).toBe('parse color: expected # prefix and 6 characters');
    expect(bannerColorError(null, true)).toBe('parse color: expected # prefix and 6 characters');
    expect(bannerColorError(undefined, false)).toBeNull();
    expect(bannerColorError('', false)).toBeNull();
  });

  it('checks a given colour even on a disabled banner', () => {
    expect(bannerColorError('red', false)).toBe('parse color: expected # prefix and 6 characters');
    expect(bannerColorError('#00ff00', false)).toBeNull();
    expect(bannerColorError('#00ff00', true)).toBeNull();
  });

  it('refuses a colour that is not a string', () => {
    expect(bannerColorError(0x00ff00, true)).toBe('background_color must be a string');
  });
});

describe('URLs and icons', () => {
  it.each([
    'https://example.com/logo.png',
    'http://10.0.0.1:8080/a?b=c',
    'https://github.com/coder/coder/issues/new?labels=needs+grooming&body={CODER_BUILD_INFO}',
  ])('isHttpUrl accepts %s', (url) => {
    expect(isHttpUrl(url)).toBe(true);
  });

  it.each([
    '',
    'javascript:alert(1)',
    'ftp://x',
    'data:image/png;base64,AAAA',
    '/relative/path.png',
    '//example.com/x.png',
    'https://',
    'https://exa mple.com',
    ' https://example.com',
    'https://example.com/\n',
  ])('isHttpUrl rejects %j', (url) => {
    expect(isHttpUrl(url)).toBe(false);
  });

  it('isHttpUrl allows at most 2048 characters', () => {
    const base = 'https://example.com/';
    expect(isHttpUrl(base + 'a'.repeat(2048 - base.length))).toBe(true);
    expect(isHttpUrl(base + 'a'.repeat(2049 - base.length))).toBe(false);
  });

  it('logo_url may be empty or an http(s) URL', () => {
    expect(logoUrlError('')).toBeNull();
    expect(logoUrlError(undefined)).toBeNull();
    expect(logoUrlError('https://example.com/logo.svg')).toBeNull();
    expect(logoUrlError('javascript:alert(1)')).toBe('logo_url must be empty or an absolute http(s) URL');
    expect(logoUrlError(42)).toBe('logo_url must be empty or an absolute http(s) URL');
  });

  it('a link target must be an http(s) URL', () => {
    expect(linkTargetError('https://example.com')).toBeNull();
    expect(linkTargetError('')).toBe('target must be an absolute http(s) URL');
    expect(linkTargetError('javascript:alert(1)')).toBe('target must be an absolute http(s) URL');
    expect(linkTargetError(undefined)).toBe('target must be an absolute http(s) URL');
  });

  it.each(['bug', 'chat', 'docs', 'star', '/emojis/1f4d6.png', '/icon/github.svg', 'https://example.com/i.png'])(
    'accepts the icon %s',
    (icon) => {
      expect(linkIconError(icon)).toBeNull();
    },
  );

  it.each(['', 'book', 'Docs', '/', '//evil.example/x.png', '/a b.png', '/a\\b', 'javascript:alert(1)', 7])(
    'rejects the icon %j',
    (icon) => {
      expect(linkIconError(icon)).toBe('icon must be one of bug, chat, docs, star, an absolute http(s) URL or a path starting with /');
    },
  );
});

describe('appearance mappers', () => {
  it('omits an empty banner message and colour (Coder omitempty) and fills the default links', () => {
    expect(toAppearanceConfig(emptyAppearance())).toEqual({
      logo_url: '',
      service_banner: { enabled: false },
      support_links: DEFAULT_SUPPORT_LINKS,
    });
  });

  it('keeps configured links instead of the defaults, and stores them as given', () => {
    const settings = toAppearanceSettings({
      logo_url: 'https://example.com/l.png',
      service_banner: { enabled: true, message: 'hi', background_color: '#010203' },
      support_links: [{ name: 'Wiki', target: 'https://wiki.example.com', icon: 'docs' }],
    });
    const stored = toStoredAppearance(settings);
    expect(stored).toEqual({
      logo_url: 'https://example.com/l.png',
      service_banner: { enabled: true, message: 'hi', background_color: '#010203' },
      support_links: [{ name: 'Wiki', target: 'https://wiki.example.com', icon: 'docs' }],
    });
    expect(toAppearanceConfig(settings)).toEqual(stored);
  });

  it('treats missing fields as cleared', () => {
    expect(toAppearanceSettings({})).toEqual(emptyAppearance());
    expect(toStoredAppearance(toAppearanceSettings({}))).toEqual({ logo_url: '', service_banner: { enabled: false }, support_links: [] });
  });

  it('does not hand out the shared default links', () => {
    const answer = toAppearanceConfig(emptyAppearance());
    answer.support_links[0].name = 'changed';
    expect(DEFAULT_SUPPORT_LINKS[0].name).toBe('Documentation');
  });
});
