import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';

/** The suite's Atom schema (test/schemas/atom.rng) refuses what RFC 4287 refuses. */
const check = async (xml: string) =>
  validateXML({
    xml: { fileName: 'feed.xml', contents: xml },
    schema: { fileName: 'atom.rng', contents: await readFile('test/schemas/atom.rng', 'utf8') },
    extension: 'relaxng',
  });
const feed = (inner: string) => `<feed xmlns="http://www.w3.org/2005/Atom">${inner}</feed>`;
const head = '<id>urn:x</id><title>t</title><updated>2026-12-02T05:00:00+08:00</updated>';

describe('the Atom schema of the suite', () => {
  it('accepts a minimal feed', async () => {
    expect((await check(feed(head))).valid).toBe(true);
  });
  it.each([
    ['a feed without id', feed('<title>t</title><updated>2026-12-02T05:00:00+08:00</updated>')],
    ['a date that is not a date-time', feed('<id>urn:x</id><title>t</title><updated>昨天</updated>')],
    ['a link without href', feed(`${head}<link rel="self"/>`)],
    ['an entry without updated', feed(`${head}<entry><id>urn:e</id><title>t</title></entry>`)],
  ])('refuses %s', async (_what, xml) => {
    expect((await check(xml)).valid).toBe(false);
  });
});
