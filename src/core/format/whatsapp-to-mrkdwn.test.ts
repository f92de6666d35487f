import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, whatsappToMrkdwn } from './whatsapp-to-mrkdwn.js';

const WJ = '\u2060';

/** What Slack would display, entity-decoded, with the invisible word joiners removed. */
function displayed(mrkdwn: string): string {
  return mrkdwn.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replaceAll(WJ, '');
}

/** Invariants every output must keep: no raw `<`, `>` only as a quote marker, `&` only in entities. */
function expectInert(out: string): void {
  expect(out).not.toMatch(/</);
  for (const m of out.matchAll(/>/g)) {
    const lineStart = m.index === 0 || out[m.index - 1] === '\n';
    expect(lineStart && out[m.index + 1] === ' ').toBe(true);
  }
  expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
}

describe('escapeMrkdwn', () => {
  it("escapes Slack's three control characters", () => {
    expect(escapeMrkdwn('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
  });

  it('escapes & first, so typed entities stay visible as typed', () => {
    expect(escapeMrkdwn('&lt;b&gt; &amp;')).toBe('&amp;lt;b&amp;gt; &amp;amp;');
    expect(displayed(escapeMrkdwn('&lt;b&gt; &amp;'))).toBe('&lt;b&gt; &amp;');
  });
});

describe('whatsappToMrkdwn: injection', () => {
  const attacks = [
    '<!channel>',
    '<!here> <!everyone>',
    '<@U0123>',
    '<@U0123|boss>',
    '<#C0123|general>',
    '<!subteam^S0123>',
    '<https://evil.example|https://bank.example>',
    '<!date^1392734382^{date}|Feb 18>',
    'text >\n<!channel',
    '<<!channel>>',
  ];

  for (const attack of attacks) {
    it(`keeps ${JSON.stringify(attack)} inert and visible`, () => {
      const out = whatsappToMrkdwn(attack);
      expectInert(out);
      expect(displayed(out)).toBe(attack);
    });
  }

  it('writes the exact escaped forms for the classic payloads', () => {
    expect(whatsappToMrkdwn('<!channel>')).toBe('&lt;!channel&gt;');
    expect(whatsappToMrkdwn('hi <@U0123>')).toBe('hi &lt;@U0123&gt;');
    expect(whatsappToMrkdwn('<https://evil.example|https://bank.example>')).toBe(
      '&lt;https://evil.example|https://bank.example&gt;',
    );
  });

  it('does not double-unescape &lt; typed by the contact', () => {
    expect(whatsappToMrkdwn('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
  });

  it('puts an invisible word joiner into bare @here, @channel, @everyone and @group', () => {
    expect(whatsappToMrkdwn('@here please')).toBe(`@${WJ}here please`);
    expect(whatsappToMrkdwn('ping @Channel, @EVERYONE! (@group)')).toBe(`ping @${WJ}Channel, @${WJ}EVERYONE! (@${WJ}group)`);
  });

  it('leaves other @words, e-mail addresses and longer words alone', () => {
    expect(whatsappToMrkdwn('@heresy a@here.com @channels @maria')).toBe('@heresy a@here.com @channels @maria');
  });

  it('escapes inside code blocks and inline code too', () => {
    expect(whatsappToMrkdwn('```<!channel>```')).toBe('```&lt;!channel&gt;```');
    expect(whatsappToMrkdwn('`<@U1>`')).toBe('`&lt;@U1&gt;`');
  });

  it('stays inert on random mixes of control and formatting characters', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = ['<', '>', '&', '!', '@', '|', '*', '_', '~', '`', '```', '\n', ' ', '> ', '- ', 'here', 'channel', 'amp;', 'lt;', 'é', '😀'];
    for (let n = 0; n < 500; n++) {
      let input = '';
      const length = 1 + Math.floor(random() * 40);
      for (let i = 0; i < length; i++) input += alphabet[Math.floor(random() * alphabet.length)] ?? '';
      expectInert(whatsappToMrkdwn(input));
    }
  });
});

describe('whatsappToMrkdwn: formatting', () => {
  it('passes bold, italic, strike and inline code through unchanged', () => {
    const text = '*bold* _italic_ ~strike~ `code`';
    expect(whatsappToMrkdwn(text)).toBe(text);
  });

  it('keeps ``` monospace as a Slack code block, without converting lines inside it', () => {
    expect(whatsappToMrkdwn('see:\n```\n> not a quote\n- not a bullet\n```\ndone')).toBe(
      'see:\n```\n&gt; not a quote\n- not a bullet\n```\ndone',
    );
  });

  it('leaves an unpaired ``` as literal text', () => {
    expect(whatsappToMrkdwn('a ``` b\n> q')).toBe('a ``` b\n> q');
  });

  it('turns "> " lines into Slack quotes with the rest escaped', () => {
    expect(whatsappToMrkdwn('> quoted <b>\nreply')).toBe('> quoted &lt;b&gt;\nreply');
    expect(whatsappToMrkdwn('>no space')).toBe('> no space');
  });

  it('escapes a > that does not start a line, or starts an empty one', () => {
    expect(whatsappToMrkdwn('2 > 1')).toBe('2 &gt; 1');
    expect(whatsappToMrkdwn('>')).toBe('&gt;');
    expect(whatsappToMrkdwn('```x```> y')).toBe('```x```&gt; y');
  });

  it('turns * and - bullets into •, keeping indentation, and keeps numbered lists', () => {
    expect(whatsappToMrkdwn('* one\n- two\n  - nested\n1. first\n2. second')).toBe(
      '• one\n• two\n  • nested\n1. first\n2. second',
    );
  });

  it('does not take bold at the start of a line for a bullet', () => {
    expect(whatsappToMrkdwn('*bold* start\n-5 degrees')).toBe('*bold* start\n-5 degrees');
  });

  it('normalises CRLF line endings', () => {
    expect(whatsappToMrkdwn('> a\r\n* b\rc')).toBe('> a\n• b\nc');
  });

  it('leaves emoji, accents and surrogate pairs intact', () => {
    const text = 'Olá, tudo bem? 👋🏽 🇧🇷 👨‍👩‍👧';
    expect(whatsappToMrkdwn(text)).toBe(text);
  });

  it('handles 100k-character messages', () => {
    const text = '<!channel> *bold* & > quote\n- item\n```code <x>```\n'.repeat(2500);
    const out = whatsappToMrkdwn(text);
    expect(text.length).toBeGreaterThan(100_000);
    expectInert(out);
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
  });
});
