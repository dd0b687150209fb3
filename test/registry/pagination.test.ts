import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLinkHeader, nextPage } from '../../src/registry/pagination.ts';

const current = new URL('https://reg.example/v2/a/b/tags/list?n=100');

test('parses link-values with params, quoted or not, several per header', () => {
  const links = parseLinkHeader('</v2/a/tags/list?last=x&n=2>; rel="next", <https://o/x>; rel=prev; title="a, b"');
  assert.deepEqual(links, [
    { target: '/v2/a/tags/list?last=x&n=2', params: { rel: 'next' } },
    { target: 'https://o/x', params: { rel: 'prev', title: 'a, b' } },
  ]);
  assert.deepEqual(parseLinkHeader(undefined), []);
  assert.deepEqual(parseLinkHeader('garbage'), []);
});

test('resolves a relative next link against the current page URL, keeping opaque query tokens', () => {
  const next = nextPage(current, '</v2/a/b/tags/list?last=1.2.3&n=100&token=abc%2Fdef>; rel="next"');
  assert.equal(next.kind, 'next');
  assert.equal(next.kind === 'next' && next.url.href, 'https://reg.example/v2/a/b/tags/list?last=1.2.3&n=100&token=abc%2Fdef');
  const noSlash = nextPage(current, '<list?last=z>; rel="next"');
  assert.equal(noSlash.kind === 'next' && noSlash.url.href, 'https://reg.example/v2/a/b/tags/list?last=z');
});

test('accepts an absolute same-origin link and rel lists containing next', () => {
  const next = nextPage(current, '<https://reg.example/v2/a/b/tags/list?last=x>; rel="last next"');
  assert.equal(next.kind, 'next');
});

test('no next link means the listing is done', () => {
  assert.deepEqual(nextPage(current, undefined), { kind: 'none' });
  assert.deepEqual(nextPage(current, '</x>; rel="prev"'), { kind: 'none' });
});

test('refuses a next link to another origin, another scheme or port, or with credentials', () => {
  for (const target of ['https://evil.example/v2/a/b/tags/list', 'http://reg.example/v2/a/b/tags/list', 'https://reg.example:444/v2/x', '//evil.example/x']) {
    const next = nextPage(current, `<${target}>; rel="next"`);
    assert.equal(next.kind, 'refused', target);
  }
  assert.equal(nextPage(current, '<https://u:p@reg.example/v2/x>; rel="next"').kind, 'refused');
});
