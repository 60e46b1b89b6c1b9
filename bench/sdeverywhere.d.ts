/** The parts of SDEverywhere's untyped packages the benchmark calls. */
declare module '@sdeverywhere/compile' {
  export function resetState(): void;
  export function parseModel(input: string, kind: 'vensim', modelDir: string): unknown;
  export function generateCode(parsed: unknown, opts: { spec: object; operations: string[]; extData: Map<string, unknown>; directData: Map<string, unknown>; modelDirname: string }): string;
}
