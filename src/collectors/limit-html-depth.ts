// A linear pre-pass over HTML that keeps element nesting shallow. Both HTML parsers cheerio
// offers are quadratic in nesting depth (parse5 took 8 minutes on 200,000 nested <div>s,
// htmlparser2 10 s), and so are css-select's descendant combinators and the recursive text
// walk (which overflows the stack past ~5,000 levels). No real page nests more than a few dozen
// elements, so start tags beyond the limit are removed, with their end tags; their text stays.
//
// The tokenizer follows the HTML one where it matters (comments, raw-text elements, quoted
// attribute values) and approximates the tree builder: elements a parser closes implicitly
// (`<li>` after `<li>`, `<td>` after `<td>`, `<p>` before a block) do not add depth. It
// errs towards counting too deep, which costs nothing on real pages.

export interface LimitedHtml {
  html: string;
  /** Deepest nesting seen, counted the way this pass counts it. */
  maxDepthSeen: number;
  /** Start tags removed because they were nested deeper than the limit. */
  droppedTags: number;
}

const VOID = new Set([
  'area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'image', 'img', 'input',
  'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
// Their content is text up to the matching end tag, whatever it looks like.
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);
// Never deeper than their parent in practice: `<p>` cannot hold a block or another `<p>`, and
// the document-level elements are merged by the parser wherever they appear.
const UNCOUNTED = new Set(['p', 'html', 'head', 'body']);
// An open element of the same group is closed by a new one, up to the container that bounds it.
const CLOSED_BY_SIBLING: ReadonlyMap<string, { group: ReadonlySet<string>; boundary: ReadonlySet<string> }> = new Map(
  (
    [
      [['li'], ['ul', 'ol', 'menu']],
      [['dt', 'dd'], ['dl']],
      [['td', 'th'], ['table', 'tr']],
      [['tr'], ['table']],
      [['thead', 'tbody', 'tfoot'], ['table']],
      [['option'], ['select', 'datalist']],
      [['optgroup'], ['select']],
      [['a'], []],
      [['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], []],
      [['button'], []],
      [['form'], []],
    ] as const
  ).flatMap(([names, boundary]) =>
    names.map((name) => [name, { group: new Set<string>(names), boundary: new Set<string>(boundary) }] as const),
  ),
);
// How far down the stack an end tag or an implicit close looks: keeps the pass linear.
const SEARCH_WINDOW = 64;
const SIBLING_ALLOWANCE = 16;
const TAG_NAME = /[A-Za-z][^\s/>]*/y;

/** Returns the HTML with start tags nested deeper than `maxDepth` (and their end tags) removed, and what was seen. */
export function limitHtmlDepth(html: string, maxDepth: number): LimitedHtml {
  const stack: string[] = [];
  const dropped = new Map<string, number>();
  const pieces: string[] = [];
  let copiedTo = 0;
  let droppedTags = 0;
  let maxDepthSeen = 0;
  let i = 0;

  const cut = (from: number, to: number): void => {
    pieces.push(html.slice(copiedTo, from));
    copiedTo = to;
  };
  const popTo = (index: number): void => {
    stack.length = index;
  };
  const findOpen = (names: ReadonlySet<string>, boundary: ReadonlySet<string>): number => {
    for (let k = stack.length - 1; k >= 0 && k >= stack.length - SEARCH_WINDOW; k -= 1) {
      const name = stack[k]!;
      if (names.has(name)) return k;
      if (boundary.has(name)) return -1;
    }
    return -1;
  };

  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) break;
    const next = html.charCodeAt(lt + 1);
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    const isEnd = next === 0x2f; // '/'
    TAG_NAME.lastIndex = isEnd ? lt + 2 : lt + 1;
    const nameMatch = TAG_NAME.exec(html);
    if (nameMatch === null) {
      // `<!doctype>`, `<?…>`, `</ >` are bogus comments up to `>`; a lone `<` is text.
      if (next === 0x21 || next === 0x3f || isEnd) {
        const end = html.indexOf('>', lt + 1);
        i = end === -1 ? html.length : end + 1;
      } else {
        i = lt + 1;
      }
      continue;
    }
    const name = nameMatch[0].toLowerCase();
    const tagEnd = findTagEnd(html, TAG_NAME.lastIndex);

    if (isEnd) {
      const pending = dropped.get(name) ?? 0;
      if (pending > 0) {
        dropped.set(name, pending - 1);
        cut(lt, tagEnd);
      } else {
        // An end tag closes its element and whatever is still open inside it; a stray one is ignored.
        for (let k = stack.length - 1; k >= 0 && k >= stack.length - SEARCH_WINDOW; k -= 1) {
          if (stack[k] === name) {
            popTo(k);
            break;
          }
        }
      }
      i = tagEnd;
      continue;
    }

    if (RAW_TEXT.has(name)) {
      i = skipRawText(html, tagEnd, name);
      continue;
    }
    if (name === 'plaintext') break;
    if (VOID.has(name) || UNCOUNTED.has(name)) {
      i = tagEnd;
      continue;
    }
    const sibling = CLOSED_BY_SIBLING.get(name);
    if (sibling !== undefined) {
      const at = findOpen(sibling.group, sibling.boundary);
      if (at !== -1) popTo(at);
    }
    // Past the limit, elements that close their own kind (links, headings, list items, cells)
    // are still let in a little further: a headline nested too deep keeps its link, and a
    // chain of them cannot grow because each closes the one before.
    if (stack.length >= maxDepth + (sibling === undefined ? 0 : SIBLING_ALLOWANCE)) {
      dropped.set(name, (dropped.get(name) ?? 0) + 1);
      droppedTags += 1;
      cut(lt, tagEnd);
    } else {
      stack.push(name);
      if (stack.length > maxDepthSeen) maxDepthSeen = stack.length;
    }
    i = tagEnd;
  }

  if (droppedTags === 0) return { html, maxDepthSeen, droppedTags };
  pieces.push(html.slice(copiedTo));
  return { html: pieces.join(''), maxDepthSeen, droppedTags };
}

// The index just after the `>` that ends a tag whose name ends at `from`, skipping quoted values.
function findTagEnd(html: string, from: number): number {
  let i = from;
  while (i < html.length) {
    const c = html.charCodeAt(i);
    if (c === 0x3e) return i + 1; // '>'
    if (c === 0x3d) {
      // '=': a value follows, maybe quoted.
      let j = i + 1;
      while (j < html.length && isSpace(html.charCodeAt(j))) j += 1;
      const q = html.charCodeAt(j);
      if (q === 0x22 || q === 0x27) {
        const close = html.indexOf(q === 0x22 ? '"' : "'", j + 1);
        if (close === -1) return html.length;
        i = close + 1;
        continue;
      }
      i = j;
      continue;
    }
    i += 1;
  }
  return html.length;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

const RAW_TEXT_END = new Map([...RAW_TEXT].map((name) => [name, new RegExp(`</${name}[\\s/>]`, 'gi')]));

function skipRawText(html: string, from: number, name: string): number {
  const end = RAW_TEXT_END.get(name)!;
  end.lastIndex = from;
  const match = end.exec(html);
  return match === null ? html.length : match.index;
}
