/**
 * Strongly connected components (Tarjan), iteratively so that a chain of 100 000 variables cannot
 * overflow the call stack. `deps[n]` lists the nodes n depends on; components come out
 * dependencies first, which is an evaluation order when every component has one node.
 */
export function stronglyConnected(count: number, deps: (node: number) => readonly number[], nodes?: readonly number[]): number[][] {
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const out: number[][] = [];
  let next = 0;
  const work: { node: number; edge: number; edges: readonly number[] }[] = [];
  for (const root of nodes ?? Array.from({ length: count }, (_, i) => i)) {
    if (index[root] !== -1) continue;
    const visit = (n: number): void => {
      index[n] = low[n] = next++;
      stack.push(n);
      onStack[n] = 1;
      work.push({ node: n, edge: 0, edges: deps(n) });
    };
    visit(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      if (top.edge < top.edges.length) {
        const m = top.edges[top.edge++]!;
        if (index[m] === -1) visit(m);
        else if (onStack[m]) low[top.node] = Math.min(low[top.node]!, index[m]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low[parent] = Math.min(low[parent]!, low[top.node]!);
      }
      if (low[top.node] === index[top.node]) {
        const component: number[] = [];
        let m: number;
        do {
          m = stack.pop()!;
          onStack[m] = 0;
          component.push(m);
        } while (m !== top.node);
        out.push(component.reverse());
      }
    }
  }
  return out;
}

/** A shortest cycle through `start` inside one component, as a node list starting at `start`. */
export function cycleThrough(start: number, members: ReadonlySet<number>, deps: (node: number) => readonly number[]): number[] {
  const from = new Map<number, number>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const n = queue[q]!;
    for (const m of deps(n)) {
      if (!members.has(m)) continue;
      if (m === start) {
        const path = [n];
        let p = n;
        while (p !== start) path.push((p = from.get(p)!));
        return path.reverse();
      }
      if (!from.has(m)) {
        from.set(m, n);
        queue.push(m);
      }
    }
  }
  return [start];
}
