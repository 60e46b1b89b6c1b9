import type { SourcePos, SourceSpan } from '../diagnostics.js';

export type TokenKind =
  | 'number'
  | 'ident'
  | 'string'
  | 'op'
  | 'newline'
  | 'eof'
  | 'invalid';

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token (for strings: the unescaped contents). */
  readonly text: string;
  /** For numbers: the value (percent literals already divided by 100). */
  readonly value: number;
  readonly span: SourceSpan;
  /** True when whitespace or a line break comes directly before this token. */
  readonly spaceBefore: boolean;
  /** Strings: true when written with double quotes (a name or text), false for triple quotes. */
  readonly triple?: boolean;
  /** The lexer already reported this token (an unclosed quote): the parser adds no error of its own. */
  readonly reported?: boolean;
}

export type { SourcePos };
