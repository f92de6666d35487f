import { describe, expect, it } from 'vitest';
import { agentPrefix, decodeEntities, mrkdwnToWhatsApp, type MrkdwnLookups } from './mrkdwn-to-whatsapp.js';

const EMOJI: Record<string, string> = {
  smile: '😄',
  '+1': '👍',
  '+1::skin-tone-3': '👍🏼',
  'skin-tone-3': '🏼',
  '100': '💯',
  tada: '🎉',
};

const lookups: MrkdwnLookups = {
  userName: (id) => ({ U1: 'Ana Souza', W2: 'Bruno' })[id],
  channelName: (id) => ({ C1: 'general', C2: 'support-br' })[id],
  emoji: (name) => EMOJI[name],
};

const convert = (text: string) => mrkdwnToWhatsApp(text, lookups);

describe('mrkdwnToWhatsApp: inline formatting', () => {
  it('keeps bold, italic, strike and inline code, written the same way in WhatsApp', () => {
    expect(convert('*bold* _italic_ ~strike~ `code`')).toBe('*bold* _italic_ ~strike~ `code`');
  });

  it('keeps code blocks and converts nothing inside them but entities', () => {
    const text = '```const a = b &amp;&amp; c &lt;d&gt;; // :smile: <@U1> *x*```';
    expect(convert(text)).toBe('```const a = b && c <d>; // :smile: <@U1> *x*```');
  });

  it('leaves inline code unconverted too', () => {
    expect(convert('run `echo :smile: &lt;@U1&gt;` now :smile:')).toBe('run `echo :smile: <@U1>` now 😄');
  });

  it('converts text around a multi-line code block', () => {
    expect(convert(':tada: before\n```\nline :smile:\n```\nafter <@U1>')).toBe('🎉 before\n```\nline :smile:\n```\nafter @Ana Souza');
  });

  it('normalises CRLF line breaks', () => {
    expect(convert('a\r\nb\rc')).toBe('a\nb\nc');
  });
});

describe('mrkdwnToWhatsApp: links', () => {
  it('writes a labelled link as "label (url)"', () => {
    expect(convert('see <https://x.example/docs|the docs>')).toBe('see the docs (https://x.example/docs)');
  });

  it('writes a bare link as its URL', () => {
    expect(convert('<https://x.example>')).toBe('https://x.example');
  });

  it('writes only the URL when the label is the URL, or the domain Slack linked for a typed one', () => {
    expect(convert('<https://x.example|https://x.example>')).toBe('https://x.example');
    expect(convert('<http://example.com|example.com>')).toBe('http://example.com');
    expect(convert('<https://example.com/|example.com>')).toBe('https://example.com/');
  });

  it('writes a mailto link as the address, or the label followed by the address', () => {
    expect(convert('<mailto:a@b.example|a@b.example>')).toBe('a@b.example');
    expect(convert('<mailto:a@b.example>')).toBe('a@b.example');
    expect(convert('<mailto:a@b.example|Email us>')).toBe('Email us (a@b.example)');
  });

  it('decodes entities in URLs and labels', () => {
    expect(convert('<https://x.example/?a=1&amp;b=2|Q &amp; A>')).toBe('Q & A (https://x.example/?a=1&b=2)');
  });

  it('converts emoji in a label but never in a URL', () => {
    expect(convert('<https://example.com:8080/x:smile:|:tada: party>')).toBe('🎉 party (https://example.com:8080/x:smile:)');
  });

  it('keeps port numbers and colon paths in plain-text URLs', () => {
    expect(convert('https://example.com:8080/x:y:')).toBe('https://example.com:8080/x:y:');
    expect(convert('open https://example.com:8080/a:smile: then :smile:')).toBe('open https://example.com:8080/a:smile: then 😄');
  });

  it('keeps an unrecognised <…> as typed', () => {
    expect(convert('<foo|bar>')).toBe('<foo|bar>');
  });
});

describe('mrkdwnToWhatsApp: mentions', () => {
  it('names users through the lookup first', () => {
    expect(convert('hi <@U1>')).toBe('hi @Ana Souza');
    expect(convert('hi <@U1|ana>')).toBe('hi @Ana Souza');
    expect(convert('hi <@W2>')).toBe('hi @Bruno');
  });

  it('falls back to the embedded name, then to @someone', () => {
    expect(convert('<@U9|carla>')).toBe('@carla');
    expect(convert('<@U9>')).toBe('@someone');
  });

  it('names channels through the lookup, then the embedded name', () => {
    expect(convert('<#C1>')).toBe('#general');
    expect(convert('<#C1|old-name>')).toBe('#general');
    expect(convert('<#C9|random>')).toBe('#random');
    expect(convert('<#C9>')).toBe('#channel');
  });

  it('writes special mentions as plain words', () => {
    expect(convert('<!here> <!channel> <!everyone> <!here|@here>')).toBe('@here @channel @everyone @here');
  });

  it('writes user groups with their handle', () => {
    expect(convert('<!subteam^S123|@team>')).toBe('@team');
    expect(convert('<!subteam^S123|support>')).toBe('@support');
    expect(convert('<!subteam^S123>')).toBe('@group');
  });

  it('writes dates as their fallback text, or as UTC without one', () => {
    expect(convert('due <!date^1392734382^{date}|Feb 18, 2014>')).toBe('due Feb 18, 2014');
    expect(convert('<!date^1392734382^{date}^https://x.example|Feb 18>')).toBe('Feb 18');
    expect(convert('<!date^1392734382^{date}>')).toBe('2014-02-18 14:39 UTC');
  });
});

describe('mrkdwnToWhatsApp: entities', () => {
  it("decodes Slack's three entities", () => {
    expect(convert('a &amp; b &lt; c &gt; d')).toBe('a & b < c > d');
  });

  it('decodes last, so typed markup stays text and is not re-parsed', () => {
    expect(convert('&lt;b&gt;bold&lt;/b&gt;')).toBe('<b>bold</b>');
    expect(convert('&lt;@U1&gt; &lt;!channel&gt;')).toBe('<@U1> <!channel>');
  });

  it('decodes in one pass, so an escaped entity shows as typed', () => {
    expect(decodeEntities('&amp;lt; &amp;amp;')).toBe('&lt; &amp;');
    expect(convert('&amp;lt;')).toBe('&lt;');
  });
});

describe('mrkdwnToWhatsApp: emoji', () => {
  it('converts known shortcodes', () => {
    expect(convert('done :tada: :100:')).toBe('done 🎉 💯');
  });

  it('applies skin tones', () => {
    expect(convert(':+1::skin-tone-3:')).toBe('👍🏼');
  });

  it('leaves unknown and custom shortcodes as typed', () => {
    expect(convert(':partyparrot: :smile:')).toBe(':partyparrot: 😄');
  });

  it('does not let an unknown name swallow the colon a real one needs', () => {
    expect(convert('at 10:30:smile:')).toBe('at 10:30😄');
    expect(convert('12:30:45')).toBe('12:30:45');
  });
});

describe('mrkdwnToWhatsApp: lines', () => {
  it('keeps quotes as "> " lines', () => {
    expect(convert('&gt; quoted\n&gt;tight\nnot &gt; a quote')).toBe('> quoted\n> tight\nnot > a quote');
  });

  it('keeps an empty quote line and bullets', () => {
    expect(convert('&gt;\n• one\n• two')).toBe('>\n• one\n• two');
  });

  it('recognises a quote right after a code block', () => {
    expect(convert('```x```\n&gt; q')).toBe('```x```\n> q');
  });
});

describe('agentPrefix', () => {
  it('writes the name in bold with a colon, then a line break', () => {
    expect(agentPrefix('Ana Souza')).toBe('*Ana Souza:*\n');
  });

  it('removes what would break the bold', () => {
    expect(agentPrefix('*Ana* Souza')).toBe('*Ana Souza:*\n');
    expect(agentPrefix(' Ana\nSouza ')).toBe('*Ana Souza:*\n');
  });

  it('writes nothing for an empty name', () => {
    expect(agentPrefix(' * ')).toBe('');
  });
});
