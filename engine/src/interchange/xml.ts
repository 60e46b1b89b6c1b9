/**
 * A small, strict XML reader for model files. It never resolves anything external: a DOCTYPE (and
 * so any DTD or entity declaration) is refused, and only the five predefined entities and numeric
 * character references are understood. Limits on depth and size keep hostile files from hanging it.
 */

export interface XmlElement {
  readonly name: string;
  /** Local name without a namespace prefix (`isee:spacing` → `spacing`). */
  readonly local: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  /** Text directly inside this element (concatenated, entities decoded). */
  text: string;
  readonly line: number;
  readonly column: number;
}

export class XmlError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'XmlError';
  }
}

const MAX_DEPTH = 256;
const MAX_LENGTH = 64 * 1024 * 1024;
const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);
const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_.:\u00B7\u00C0-\uFFFF]*/y;

export function parseXml(text: string): XmlElement {
  if (text.length > MAX_LENGTH) throw new XmlError(`The file is too large to be a model (${text.length} characters).`, 1, 1);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;
  const fail = (message: string, at = i): never => {
    const upTo = text.slice(0, at);
    const l = upTo.split('\n').length;
    throw new XmlError(message, l, at - upTo.lastIndexOf('\n'));
  };
  const advanceTo = (j: number): void => {
    for (let k = i; k < j; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    i = j;
  };
  const skipSpace = (): void => {
    let j = i;
    while (j < text.length && /\s/.test(text[j]!)) j++;
    advanceTo(j);
  };
  const readName = (what: string): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) fail(`Expected ${what}.`);
    advanceTo(i + m![0].length);
    return m![0];
  };
  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&<\s]*);?/g, (whole, ref: string, offset: number) => {
      if (!whole.endsWith(';')) fail(`"&" must start an entity such as &amp;.`, at + offset);
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
        if (!Number.isInteger(code) || code < 1 || code > 0x10ffff) fail(`Invalid character reference &${ref};.`, at + offset);
        return String.fromCodePoint(code);
      }
      const value = PREDEFINED.get(ref);
      if (value === undefined) fail(`Unknown entity &${ref}; (entities other than &lt; &gt; &amp; &quot; &apos; are not allowed).`, at + offset);
      return value!;
    });
  /** Skips the prolog, comments and processing instructions; refuses DOCTYPE. */
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i + 2);
        if (end < 0) fail('Unterminated processing instruction "<?".');
        advanceTo(end + 2);
      } else if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) fail('Unterminated comment "<!--".');
        advanceTo(end + 3);
      } else if (text.startsWith('<!DOCTYPE', i) || text.startsWith('<!doctype', i)) {
        fail('Document type declarations (DOCTYPE, DTDs and entity declarations) are not allowed in model files.');
      } else {
        return;
      }
    }
  };

  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail(`Elements are nested more than ${MAX_DEPTH} deep.`);
    const startLine = line;
    const startColumn = i - lineStart + 1;
    advanceTo(i + 1); // <
    const name = readName('an element name after "<"');
    const attributes = new Map<string, string>();
    for (;;) {
      skipSpace();
      if (text.startsWith('/>', i)) {
        advanceTo(i + 2);
        return { name, local: localName(name), attributes, children: [], text: '', line: startLine, column: startColumn };
      }
      if (text[i] === '>') {
        advanceTo(i + 1);
        break;
      }
      if (i >= text.length) fail(`The file ends inside the start tag <${name}> (line ${startLine}).`);
      const attr = readName(`an attribute name or ">" in <${name}>`);
      skipSpace();
      if (text[i] !== '=') fail(`Expected "=" after attribute ${attr} in <${name}>.`);
      advanceTo(i + 1);
      skipSpace();
      const quote = text[i];
      if (quote !== '"' && quote !== "'") fail(`The value of attribute ${attr} in <${name}> must be in quotes.`);
      const end = text.indexOf(quote!, i + 1);
      if (end < 0) fail(`Unterminated value of attribute ${attr} in <${name}>.`);
      const raw = text.slice(i + 1, end);
      if (raw.includes('<')) fail(`"<" is not allowed in the value of attribute ${attr} in <${name}>.`, i + 1 + raw.indexOf('<'));
      if (attributes.has(attr)) fail(`Attribute ${attr} appears twice in <${name}>.`);
      attributes.set(attr, decode(raw, i + 1));
      advanceTo(end + 1);
    }
    const node: XmlElement = { name, local: localName(name), attributes, children: [], text: '', line: startLine, column: startColumn };
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) fail(`The file ends before </${name}> (opened at line ${startLine}).`, text.length);
      if (lt > i) node.text += decode(text.slice(i, lt), i);
      advanceTo(lt);
      if (text.startsWith('</', i)) {
        advanceTo(i + 2);
        const close = readName(`the element name in a closing tag`);
        if (close !== name) fail(`Found </${close}> where </${name}> (opened at line ${startLine}) was expected.`);
        skipSpace();
        if (text[i] !== '>') fail(`Expected ">" to end </${close}>.`);
        advanceTo(i + 1);
        return node;
      }
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) fail('Unterminated comment "<!--".');
        advanceTo(end + 3);
      } else if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i + 9);
        if (end < 0) fail('Unterminated CDATA section.');
        node.text += text.slice(i + 9, end);
        advanceTo(end + 3);
      } else if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i + 2);
        if (end < 0) fail('Unterminated processing instruction "<?".');
        advanceTo(end + 2);
      } else if (text.startsWith('<!', i)) {
        fail('Declarations such as <!DOCTYPE> or <!ENTITY> are not allowed in model files.');
      } else {
        node.children.push(element(depth + 1));
      }
    }
  };

  skipMisc();
  if (text[i] !== '<') fail(i >= text.length ? 'The file is empty: expected an XML document.' : 'Expected the document to start with an element such as <xmile>.');
  const root = element(0);
  skipMisc();
  if (i < text.length) fail('Unexpected content after the end of the document.');
  return root;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The first child with this local name. */
export function child(e: XmlElement, local: string): XmlElement | undefined {
  return e.children.find((c) => c.local === local);
}

export function children(e: XmlElement, local: string): XmlElement[] {
  return e.children.filter((c) => c.local === local);
}
