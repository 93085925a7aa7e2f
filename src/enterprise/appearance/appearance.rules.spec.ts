import {
  announcementColorError,
  bannerColorError,
  defaultSupportLinks,
  emptyAppearance,
  emptyBanner,
  mergeBanners,
  hexColorError,
  isHttpUrl,
  linkIconError,
  linkLocationError,
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
      expect(linkIconError(icon)).toBe(
        'icon must be one of bug, chat, docs, star, an absolute http(s) URL or a path starting with /',
      );
    },
  );
});

describe('announcementColorError (Coder 2024+ wording)', () => {
  it('accepts #rrggbb, and no colour on a disabled banner', () => {
    expect(announcementColorError('#00ff00', true)).toBeNull();
    expect(announcementColorError(undefined, false)).toBeNull();
    expect(announcementColorError('', false)).toBeNull();
  });

  it.each([
    ['red', true, 'Invalid color format: "red": expected # prefix and 6 characters'],
    ['red', false, 'Invalid color format: "red": expected # prefix and 6 characters'],
    ['', true, 'Invalid color format: "": expected # prefix and 6 characters'],
    [undefined, true, 'Invalid color format: "": expected # prefix and 6 characters'],
    ['1234567', true, 'Invalid color format: "1234567": no # prefix'],
    ['#12345g', true, 'Invalid color format: "#12345g": encoding/hex: invalid byte: U+0067 \'g\''],
    [7, true, 'background_color must be a string'],
  ])('rejects %j (enabled: %s)', (color, enabled, error) => {
    expect(announcementColorError(color, enabled)).toBe(error);
  });
});

describe('mergeBanners: which banners a PUT stores', () => {
  const A = { enabled: true, message: 'a', backgroundColor: '#000001' };
  const B = { enabled: false, message: 'b', backgroundColor: '#000002' };
  const C = { enabled: true, message: 'c', backgroundColor: '#000003' };
  const ZERO = emptyBanner();

  it('a 2023 client (service_banner only) sets the one banner; an empty or missing one clears them', () => {
    expect(mergeBanners({ service: C }, [A, B])).toEqual([C]);
    expect(mergeBanners({ service: ZERO }, [A, B])).toEqual([]);
    expect(mergeBanners({}, [A, B])).toEqual([]);
  });

  it('changed announcement banners are stored as sent, whatever service_banner says (Coder 2024+)', () => {
    expect(mergeBanners({ announcements: [B], service: A }, [A, B])).toEqual([B]);
    expect(mergeBanners({ announcements: [], service: A }, [A])).toEqual([]);
    expect(mergeBanners({ announcements: [A, C] }, [A])).toEqual([A, C]);
  });

  it("the 2023 dashboard's echo (banners as shown, a changed service_banner) replaces the first banner", () => {
    expect(mergeBanners({ announcements: [A, B], service: C }, [A, B])).toEqual([C, B]);
    expect(mergeBanners({ announcements: [], service: C }, [])).toEqual([C]);
  });

  it("unchanged banners with codersdk's zero service_banner, or with the first banner as service_banner, stay", () => {
    expect(mergeBanners({ announcements: [A, B], service: ZERO }, [A, B])).toEqual([A, B]);
    expect(mergeBanners({ announcements: [A, B], service: A }, [A, B])).toEqual([A, B]);
  });
});

describe('linkLocationError (LinkConfig.location: navbar, dropdown)', () => {
  it.each([undefined, null, '', 'navbar', 'dropdown'])('accepts %p', (value) => {
    expect(linkLocationError(value)).toBeNull();
  });
  it.each(['Navbar', 'sidebar', 5, true, {}])('refuses %p', (value) => {
    expect(linkLocationError(value)).toBe('location must be one of navbar, dropdown');
  });
});

describe('appearance mappers', () => {
  const DOCS = 'https://coder.com/docs';

  it('omits an empty banner message and colour (Coder omitempty) and fills the default links and the docs URL', () => {
    expect(toAppearanceConfig(emptyAppearance(), DOCS, 'v1.2.3')).toEqual({
      application_name: '',
      logo_url: '',
      docs_url: DOCS,
      service_banner: { enabled: false },
      announcement_banners: [],
      support_links: defaultSupportLinks(DOCS, 'v1.2.3'),
    });
  });

  it("Coder's current four default links: documentation at docs_url, a bug report with the version", () => {
    const links = defaultSupportLinks('https://docs.example.com', 'v1.2.3');
    expect(links.map((l) => [l.name, l.icon])).toEqual([
      ['Documentation', 'docs'],
      ['Report a bug', 'bug'],
      ['Join the Coder Discord', 'chat'],
      ['Star the Repo', 'star'],
    ]);
    expect(links[0].target).toBe('https://docs.example.com');
    const bug = new URL(links[1].target);
    expect(bug.searchParams.get('labels')).toBe('needs triage');
    expect(bug.searchParams.get('body')).toBe('Version: [`v1.2.3`](https://github.com/coder/coder)');
    // A dashboard that sends the defaults back must pass this server's own link checks.
    for (const link of links) expect([linkTargetError(link.target), linkIconError(link.icon)]).toEqual([null, null]);
  });

  it('keeps a link location, omits an unset one', () => {
    const settings = toAppearanceSettings({
      support_links: [
        { name: 'Wiki', target: 'https://wiki.example.com', icon: 'docs', location: 'navbar' },
        { name: 'Chat', target: 'https://chat.example.com', icon: 'chat' },
      ],
    });
    expect(toAppearanceConfig(settings, DOCS, 'v1').support_links).toEqual([
      { name: 'Wiki', target: 'https://wiki.example.com', icon: 'docs', location: 'navbar' },
      { name: 'Chat', target: 'https://chat.example.com', icon: 'chat' },
    ]);
  });

  it('keeps configured links instead of the defaults, and stores them as given; service_banner is the first banner', () => {
    const settings = toAppearanceSettings({
      application_name: 'Acme Dev',
      logo_url: 'https://example.com/l.png',
      service_banner: { enabled: true, message: 'hi', background_color: '#010203' },
      support_links: [{ name: 'Wiki', target: 'https://wiki.example.com', icon: 'docs' }],
    });
    const stored = toStoredAppearance(settings);
    expect(stored).toEqual({
      application_name: 'Acme Dev',
      logo_url: 'https://example.com/l.png',
      service_banner: { enabled: true, message: 'hi', background_color: '#010203' },
      announcement_banners: [{ enabled: true, message: 'hi', background_color: '#010203' }],
      support_links: [{ name: 'Wiki', target: 'https://wiki.example.com', icon: 'docs' }],
    });
    expect(toAppearanceConfig(settings, DOCS, 'v1.2.3')).toEqual({ ...stored, docs_url: DOCS });
  });

  it('treats missing fields as cleared', () => {
    expect(toAppearanceSettings({})).toEqual(emptyAppearance());
    expect(toStoredAppearance(toAppearanceSettings({}))).toEqual({
      application_name: '',
      logo_url: '',
      service_banner: { enabled: false },
      announcement_banners: [],
      support_links: [],
    });
  });

  it('does not hand out the shared default links', () => {
    const answer = toAppearanceConfig(emptyAppearance(), DOCS, 'v1.2.3');
    answer.support_links[0].name = 'changed';
    expect(toAppearanceConfig(emptyAppearance(), DOCS, 'v1.2.3').support_links[0].name).toBe('Documentation');
  });
});
