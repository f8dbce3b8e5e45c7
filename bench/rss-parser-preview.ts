// Baseline for bench/feed-conformance.ts: the `duluan preview` output format produced by plain
// rss-parser `parseString` (documents read as UTF-8 text, no charset handling, no base URLs).
// Usage: tsx bench/rss-parser-preview.ts <url-or-file>…
import { readFile } from 'node:fs/promises';
import Parser from 'rss-parser';

const SETTLE_MS = 5000;

async function load(input: string): Promise<string> {
  if (/^https?:\/\//i.test(input)) {
    const response = await fetch(input);
    return await response.text();
  }
  return await readFile(input, 'utf8');
}

async function preview(input: string): Promise<unknown> {
  try {
    const xml = await load(input);
    let timer: NodeJS.Timeout | undefined;
    // parseString never settles on some documents (one holding only a comment).
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`rss-parser did not settle within ${SETTLE_MS} ms`)), SETTLE_MS);
    });
    const feed = await Promise.race([new Parser().parseString(xml), deadline]).finally(() => clearTimeout(timer));
    return {
      input,
      feed: { title: feed.title ?? null, link: feed.link ?? null },
      items: feed.items.map((item) => ({
        title: item.title ?? null,
        link: item.link ?? null,
        guid: item.guid ?? (item as { id?: string }).id ?? null,
        published: item.isoDate ?? item.pubDate ?? null,
        author: item.creator ?? (item as { author?: string }).author ?? null,
        summary: item.content ?? item.summary ?? item.contentSnippet ?? null,
      })),
    };
  } catch (error) {
    return { input, error: { code: 'parse_failed', message: error instanceof Error ? error.message.split('\n')[0] : String(error) } };
  }
}

for (const input of process.argv.slice(2)) console.log(JSON.stringify(await preview(input)));
process.exit(0);
