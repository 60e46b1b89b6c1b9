import type { SourceSpan } from '../../diagnostics.js';
import type { ElementEquation, ElementGraph, Expr, GraphSpec, NameRef, SubscriptItem, VarDecl } from '../../language/ast.js';

/** One `definition ~ units ~ documentation |` entry of a .mdl file, as absolute offsets. */
export interface Entry {
  /** The definition, units and documentation parts. */
  readonly def: [number, number];
  readonly units?: [number, number];
  readonly doc?: [number, number];
}

/** A variable being assembled from its entries (a Vensim variable may be defined in several). */
export interface Building {
  name: NameRef;
  kind: VarDecl['kind'];
  dims: NameRef[];
  equation?: Expr;
  valueList?: VarDecl['valueList'];
  elementEquations: ElementEquation[];
  units?: { text: string; span: SourceSpan };
  doc?: string;
  graph?: GraphSpec;
  elementGraphs?: ElementGraph[];
  /** An entry of it could not be read (already reported). */
  broken?: boolean;
  /** Made by the importer (the data part of a variable): elements it leaves out need no warning. */
  quiet?: boolean;
  /** INTEG rate, per element equation or for all. */
  rate?: Expr;
  /** Equations as written, resolved once the whole file is read (a variable may have several). */
  definitions: { subs: SubscriptItem[] | undefined; equation: Expr | undefined; rate: Expr | undefined; rows: Expr[][] | undefined; span: SourceSpan; excluded: string[][][] }[];
  elementRates: { subscripts: SubscriptItem[]; rate: Expr; span: SourceSpan }[];
  span: SourceSpan;
}
