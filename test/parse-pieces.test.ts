import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { importVensim, importXmile, printModel } from '../engine/src/index.js';
import { parseModel, parseWhole } from '../engine/src/language/parser.js';
import { boundaries } from '../engine/src/language/pieces.js';
import { rng } from './helpers.js';

/**
 * parseModel cuts the text into statements and remembers their parses; whatever the text and
 * whatever was parsed before, it must give exactly what parsing the whole text at once gives.
 */

const root = resolve(__dirname, '..');
const suite = resolve(root, '../shared/test-models');

function files(dir: string, ext: RegExp, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, ext, out);
    else if (ext.test(name)) out.push(path);
  }
  return out;
}

/** Model texts in our language: the examples, and the SDXorg models printed by the converters (every construct they use). */
function corpus(): { name: string; text: string }[] {
  const out = files(join(root, 'resources/models'), /\.cwm$/).map((p) => ({ name: p, text: readFileSync(p, 'utf8') }));
  for (const p of files(suite, /\.(mdl|xmile|stmx)$/i).slice(0, 400)) {
    try {
      const text = readFileSync(p, 'utf8');
      const read = p.endsWith('.mdl') ? importVensim(text, p) : importXmile(text, p);
      out.push({ name: p, text: printModel(read.ast) });
    } catch {
      // an unreadable file says nothing about the parser
    }
  }
  return out;
}

const SNIPPETS = ['"', '"""', '#', '(', ')', '[', ']', ',', ':', '+', '\n', '\n\n', '\nstock ', '\nflow x = ', '\n  doc: """a\nstock y = 1\n"""\n', '\nsimulation\n  dt: 0.5\n', '\naux ', 'stock : 1', '\nmodel "m"\n', '\\', '\r\n', '\ndimension D: a, b,\n', '\n\tconst k = 1 +\n', '9', ' '];

function mutate(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  switch (Math.floor(r() * 4)) {
    case 0: return text.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)]! + text.slice(at);
    case 1: return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(r() * 40)));
    case 2: {
      // move a line elsewhere
      const lines = text.split('\n');
      const [line] = lines.splice(Math.floor(r() * lines.length), 1);
      lines.splice(Math.floor(r() * lines.length), 0, line!);
      return lines.join('\n');
    }
    default: return text.slice(0, at) + String(Math.floor(r() * 100)) + text.slice(at);
  }
}

/** What boundaries() computes, written plainly: the scan over quotes and comments, each candidate line cut out and matched. */
function referenceBoundaries(source: string): number[] {
  const opens = (at: number): boolean => {
    const end = source.indexOf('\n', at);
    const m = /^[ \t]*(?:stock|flow|aux|const|graph|dimension|simulation|model)[ \t][ \t\r\f\uFEFF]*(.?)/i.exec(source.slice(at, end < 0 ? source.length : end));
    return m !== null && m[1] !== ':';
  };
  const out = [0];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      i++;
      if (i < source.length && opens(i)) out.push(i);
    } else if (c === '#') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (c === '"' && source.startsWith('"""', i)) {
      const close = source.indexOf('"""', i + 3);
      i = close < 0 ? source.length : close + 3;
    } else if (c === '"') {
      i++;
      while (i < source.length && source[i] !== '\n') {
        if (source[i] === '\\' && (source[i + 1] === '"' || source[i + 1] === '\\')) i += 2;
        else if (source[i++] === '"') break;
      }
    } else {
      i++;
    }
  }
  return out;
}

function expectSameParse(text: string, label: string): void {
  const pieces = parseModel(text, 'm.cwm');
  const whole = parseWhole(text, 'm.cwm');
  expect(pieces.diagnostics, label).toEqual(whole.diagnostics);
  expect(pieces.ast, label).toEqual(whole.ast);
}

describe('parsing in remembered pieces', () => {
  const models = corpus();

  test('the corpus is large enough to mean something', () => {
    expect(models.length).toBeGreaterThan(50);
    expect(models.reduce((n, m) => n + boundaries(m.text).length, 0)).toBeGreaterThan(1000);
  });

  test('every model parses exactly as a whole, cold and warm', () => {
    for (const m of models) {
      expectSameParse(m.text, m.name);
      expectSameParse(m.text, `${m.name} (again)`);
    }
  });

  test('edits anywhere (quotes, comments, brackets, statement words, line moves) parse exactly as a whole, after the text they change', () => {
    const r = rng(7);
    for (const m of models.slice(0, 200)) {
      let text = m.text;
      for (let edit = 0; edit < 15; edit++) {
        text = mutate(text, r);
        expectSameParse(text, `${m.name}, edit ${edit}:\n${text}`);
      }
    }
  });

  test('a moved statement keeps its parse with its new positions, and two texts in turn are both remembered', () => {
    const base = 'simulation\n  stop: 10\nconst a = 1\nstock s = a\n  inflow: f\nflow f = s * 0.1 +\n  a\n';
    for (const text of [base, `# a comment\n\n${base}`, base.replace('const a = 1', 'const a = 1.25'), base, `${base}aux b = f [widgets\n`]) {
      expectSameParse(text, text);
    }
  });

  test('pieces start where a plain line-by-line reading (each line cut out and matched whole) starts them', () => {
    const r = rng(11);
    for (const m of models.slice(0, 200)) {
      let text = m.text;
      for (let edit = 0; edit < 8; edit++, text = mutate(text, r)) expect(boundaries(text), `${m.name}, edit ${edit}`).toEqual(referenceBoundaries(text));
    }
  });

  test('pieces remembered where they last moved to parse exactly as a whole after edits of the same length, longer, shorter and back', () => {
    const m = models.filter((x) => boundaries(x.text).length > 20)[0]!;
    const broken = `${m.text}\naux b = f [widgets\n`;
    for (const text of [m.text, broken]) {
      for (const head of ['# 4\n', '# 4.1\n', '# 4.2\n', '# 4.2\n', '# 4\n', '', '# 4.25\n#\n', '# 4.5\n#\n', '# 4\n', '# 4\n']) {
        expectSameParse(head + text, `${m.name} after ${JSON.stringify(head)}`);
      }
    }
  });
});
