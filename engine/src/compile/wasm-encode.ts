/**
 * A minimal WebAssembly binary writer: just what the kernel emitter needs (function types,
 * imported functions and memory, exported functions and code). Bytes only, no text format, so
 * nothing from a model can reach the module except as numbers.
 */

export const F64 = 0x7c;
export const I32 = 0x7f;
export const V128 = 0x7b;

/** A growable byte buffer with the LEB128 and IEEE encodings WebAssembly uses. */
export class Bytes {
  private buf = new Uint8Array(1024);
  length = 0;
  private static readonly scratch = new Float64Array(1);
  private static readonly scratchBytes = new Uint8Array(Bytes.scratch.buffer);

  /** Room for n more bytes. Writers check the capacity inline and call this only to grow (emitting a large model writes millions of bytes). */
  private grow(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(b: number): this {
    if (this.length >= this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
    return this;
  }

  /** Unsigned LEB128 (for counts, indices, sizes, memory offsets: all below 2^32). */
  u32(n: number): this {
    if (this.length + 5 > this.buf.length) this.grow(5);
    const buf = this.buf;
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      buf[this.length++] = b;
    } while (n !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer. */
  s32(n: number): this {
    if (this.length + 5 > this.buf.length) this.grow(5);
    const buf = this.buf;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
        buf[this.length++] = b;
        return this;
      }
      buf[this.length++] = b | 0x80;
    }
  }

  /** Little-endian IEEE double, through a typed array: the kernel already reads its memory through typed arrays, which assumes a little-endian host. */
  f64(x: number): this {
    if (this.length + 8 > this.buf.length) this.grow(8);
    Bytes.scratch[0] = x;
    this.buf.set(Bytes.scratchBytes, this.length);
    this.length += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    if (this.length + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** An import or export name: always one of our own ASCII identifiers. */
  name(s: string): this {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`internal error: bad WebAssembly name ${s}`);
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.u8(s.charCodeAt(i));
    return this;
  }

  /** A length-prefixed copy of another buffer (sections and function bodies). */
  sized(inner: Bytes): this {
    return this.u32(inner.length).bytes(inner.view());
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * Function code written instruction by instruction: locals, constants, loads and stores by name,
 * so a hand-written helper reads as the operations it performs.
 */
export class Code {
  readonly b = new Bytes();
  get(l: number): this {
    this.b.u8(OP.localGet).u32(l);
    return this;
  }
  set(l: number): this {
    this.b.u8(OP.localSet).u32(l);
    return this;
  }
  op(...ops: number[]): this {
    for (const o of ops) this.b.u8(o);
    return this;
  }
  i32(n: number): this {
    this.b.u8(OP.i32Const).s32(n);
    return this;
  }
  f64(x: number): this {
    this.b.u8(OP.f64Const).f64(x);
    return this;
  }
  loadI32(offset = 0): this {
    this.b.u8(OP.i32Load).u32(2).u32(offset);
    return this;
  }
  loadF64(offset = 0): this {
    this.b.u8(OP.f64Load).u32(3).u32(offset);
    return this;
  }
  storeF64(offset = 0): this {
    this.b.u8(OP.f64Store).u32(3).u32(offset);
    return this;
  }
  /** Address `base + index · 8` from two i32 locals. */
  element(base: number, index: number): this {
    return this.get(base).get(index).i32(3).op(OP.i32Shl, OP.i32Add);
  }
  call(f: number): this {
    this.b.u8(OP.call).u32(f);
    return this;
  }
  ifThen(result: number, then: () => void): this {
    this.b.u8(OP.if).u8(result);
    then();
    this.b.u8(OP.end);
    return this;
  }
  ret(): this {
    return this.op(OP.return);
  }
}

export interface FuncType {
  readonly params: readonly number[];
  readonly results: readonly number[];
}

export interface ModuleParts {
  readonly types: readonly FuncType[];
  /** Imported functions, module "rt": [field name, type index]; they take function indices 0…n-1. */
  readonly imports: readonly (readonly [string, number])[];
  /** Defined functions: type index and body (locals, code; without the final `end`). */
  readonly functions: readonly { readonly type: number; readonly locals: readonly (readonly [number, number])[]; readonly body: Bytes }[];
  /** The memory, imported as rt.mem (shared by a kernel's modules), of at least this many pages. */
  readonly memoryPages: number;
  /** Exported functions: [name, function index]. */
  readonly exports: readonly (readonly [string, number])[];
}

export function encodeModule(m: ModuleParts): Uint8Array {
  const out = new Bytes().bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  const section = (id: number, fill: (b: Bytes) => void): void => {
    const b = new Bytes();
    fill(b);
    out.u8(id).sized(b);
  };
  section(1, (b) => {
    b.u32(m.types.length);
    for (const t of m.types) {
      b.u8(0x60).u32(t.params.length);
      for (const p of t.params) b.u8(p);
      b.u32(t.results.length);
      for (const r of t.results) b.u8(r);
    }
  });
  section(2, (b) => {
    b.u32(m.imports.length + 1);
    for (const [field, type] of m.imports) b.name('rt').name(field).u8(0x00).u32(type);
    b.name('rt').name('mem').u8(0x02).u8(0x00).u32(m.memoryPages);
  });
  section(3, (b) => {
    b.u32(m.functions.length);
    for (const f of m.functions) b.u32(f.type);
  });
  section(7, (b) => {
    b.u32(m.exports.length);
    for (const [name, index] of m.exports) b.name(name).u8(0x00).u32(index);
  });
  section(10, (b) => {
    b.u32(m.functions.length);
    for (const f of m.functions) {
      const body = new Bytes().u32(f.locals.length);
      for (const [count, type] of f.locals) body.u32(count).u8(type);
      body.bytes(f.body.view()).u8(0x0b);
      b.sized(body);
    }
  });
  return out.view();
}

/** Opcodes used by the kernel emitter. */
export const OP = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, return: 0x0f, void: 0x40, i32Add: 0x6a, i32GeU: 0x4f,
  if: 0x04, else: 0x05, end: 0x0b, call: 0x10, drop: 0x1a, select: 0x1b,
  i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32DivU: 0x6e, i32RemU: 0x70, i32GeS: 0x4e, i32LeS: 0x4c, i32Sub: 0x6b, i32Mul: 0x6c, i32ShrS: 0x75,
  /** Prefix of the saturating conversions: 0xfc 0x02 is i32.trunc_sat_f64_s (never traps). */
  misc: 0xfc,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, f64Load: 0x2b, f64Store: 0x39, i32Const: 0x41, f64Const: 0x44, i32Shl: 0x74,
  i32Eqz: 0x45, i32And: 0x71, i32Or: 0x72,
  f64Eq: 0x61, f64Ne: 0x62, f64Lt: 0x63, f64Gt: 0x64, f64Le: 0x65, f64Ge: 0x66,
  f64Abs: 0x99, f64Neg: 0x9a, f64Floor: 0x9c, f64Sqrt: 0x9f,
  f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3, f64Min: 0xa4, f64Max: 0xa5,
  f64ConvertI32U: 0xb8,
  /** Prefix of the SIMD instructions (SIMD below). */
  simd: 0xfd,
} as const;

/** SIMD opcodes, written after OP.simd as unsigned LEB128. */
export const SIMD = {
  v128Load: 0x00, v128Store: 0x0b, f64x2Splat: 0x14, f64x2ExtractLane: 0x21,
  f64x2Floor: 0x75, f64x2Abs: 0xec, f64x2Neg: 0xed, f64x2Sqrt: 0xef,
  f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2, f64x2Div: 0xf3, f64x2Min: 0xf4, f64x2Max: 0xf5, f64x2Pmax: 0xf7,
} as const;

let simdSupport: boolean | undefined;

/**
 * Whether the host's WebAssembly has fixed-width SIMD (Node 16+, current browsers), checked once by
 * validating a function that adds two f64x2 vectors.
 */
export function hostHasSimd(): boolean {
  if (simdSupport === undefined) {
    const wasm = (globalThis as unknown as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    // (func (param v128 v128) (result v128) local.get 0 local.get 1 f64x2.add)
    const probe = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 7, 1, 0x60, 2, V128, V128, 1, V128, 3, 2, 1, 0, 10, 11, 1, 9, 0, 0x20, 0, 0x20, 1, OP.simd, 0xf0, 0x01, 0x0b]);
    try {
      simdSupport = wasm?.validate(probe) ?? false;
    } catch {
      simdSupport = false;
    }
  }
  return simdSupport;
}
