import { useRef, useState, type WheelEvent, type PointerEvent } from 'react';
import { CONVERTER_RADIUS, STOCK_HEIGHT, STOCK_WIDTH, VALVE_RADIUS, type DiagramLayout, type DiagramNode, wrapLabel } from './layout.js';

interface Props {
  readonly layout: DiagramLayout;
  readonly selected?: string;
  readonly onSelect: (name: string, line: number, column: number) => void;
}

interface View { x: number; y: number; scale: number }

/** The stock-and-flow map as SVG: wheel to zoom, drag to pan, click an element to open its equation. */
export function Diagram({ layout, selected, onSelect }: Props) {
  const [view, setView] = useState<View>({ x: 0, y: 0, scale: 1 });
  const drag = useRef<{ x: number; y: number; view: View; moved: boolean } | undefined>(undefined);

  const onWheel = (e: WheelEvent<SVGSVGElement>) => {
    const factor = e.deltaY < 0 ? 1.15 : 1 / 1.15;
    setView((v) => ({ ...v, scale: Math.min(4, Math.max(0.2, v.scale * factor)) }));
  };
  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    drag.current = { x: e.clientX, y: e.clientY, view, moved: false };
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || e.buttons === 0) return;
    const dx = (e.clientX - d.x) / d.view.scale;
    const dy = (e.clientY - d.y) / d.view.scale;
    if (Math.abs(dx) + Math.abs(dy) > 3) d.moved = true;
    setView({ ...d.view, x: d.view.x - dx, y: d.view.y - dy });
  };
  const endDrag = () => { drag.current = undefined; };

  const w = layout.width / view.scale;
  const h = layout.height / view.scale;
  const pick = (n: DiagramNode) => { if (!drag.current?.moved) onSelect(n.name, n.line, n.column); };

  return (
    <svg
      className="diagram" data-testid="diagram" role="img" aria-label="Stock and flow diagram"
      viewBox={`${view.x} ${view.y} ${w} ${h}`} preserveAspectRatio="xMinYMin meet"
      onWheel={onWheel} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={endDrag} onPointerLeave={endDrag}
    >
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill="#c0392b" />
        </marker>
        <marker id="pipe-head" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" fill="#3b4a5a" />
        </marker>
      </defs>
      {layout.pipes.map((p) => (
        <g key={`pipe-${p.flow}`} className="pipe">
          <polyline points={p.points.map((q) => `${q.x},${q.y}`).join(' ')} fill="none" stroke="#3b4a5a" strokeWidth="7" strokeLinejoin="round" />
          <polyline points={p.points.map((q) => `${q.x},${q.y}`).join(' ')} fill="none" stroke="#fff" strokeWidth="3.5" strokeLinejoin="round" markerEnd="url(#pipe-head)" />
        </g>
      ))}
      {layout.clouds.map((c, i) => (
        <path key={`cloud-${i}`} className="cloud" transform={`translate(${c.x},${c.y})`} fill="#fff" stroke="#7b8794" strokeWidth="1.5"
          d="M-14,6 a7,7 0 0,1 2,-13 a9,9 0 0,1 16,-2 a7,7 0 0,1 10,9 a6,6 0 0,1 -4,10 z" />
      ))}
      {layout.links.map((l, i) => (
        <path key={`link-${i}`} className="link" data-from={l.from} data-to={l.to} fill="none" stroke="#c0392b" strokeWidth="1.2" markerEnd="url(#arrow)"
          d={`M${l.start.x},${l.start.y} Q${l.control.x},${l.control.y} ${l.end.x},${l.end.y}`} />
      ))}
      {layout.nodes.map((n) => (
        <g key={`node-${n.name}`} className={`node ${n.kind}${n.name === selected ? ' selected' : ''}`} data-testid="diagram-node" data-name={n.name} data-kind={n.kind}
          transform={`translate(${n.x},${n.y})`} onClick={() => pick(n)} style={{ cursor: 'pointer' }}>
          <title>{n.units ? `${n.name} [${n.units}]` : n.name}</title>
          <NodeShape node={n} selected={n.name === selected} />
          <Label node={n} />
        </g>
      ))}
    </svg>
  );
}

function NodeShape({ node, selected }: { readonly node: DiagramNode; readonly selected: boolean }) {
  const stroke = selected ? '#1f6feb' : '#3b4a5a';
  const width = selected ? 3 : 1.5;
  if (node.kind === 'stock') {
    const box = <rect x={-STOCK_WIDTH / 2} y={-STOCK_HEIGHT / 2} width={STOCK_WIDTH} height={STOCK_HEIGHT} fill="#e8f0fb" stroke={stroke} strokeWidth={width} />;
    if (!node.arrayed) return box;
    // Arrays are drawn as a stack, as Stella does.
    return <>
      <rect x={-STOCK_WIDTH / 2 + 6} y={-STOCK_HEIGHT / 2 - 6} width={STOCK_WIDTH} height={STOCK_HEIGHT} fill="#d3e0f3" stroke={stroke} strokeWidth={1} />
      {box}
    </>;
  }
  if (node.kind === 'flow') {
    return <>
      <circle r={VALVE_RADIUS} fill="#fff" stroke={stroke} strokeWidth={width} />
      <path d={`M${-VALVE_RADIUS * 0.7},${-VALVE_RADIUS * 0.7} L${VALVE_RADIUS * 0.7},${VALVE_RADIUS * 0.7} M${-VALVE_RADIUS * 0.7},${VALVE_RADIUS * 0.7} L${VALVE_RADIUS * 0.7},${-VALVE_RADIUS * 0.7}`} stroke={stroke} strokeWidth="1" />
    </>;
  }
  const fill = node.kind === 'const' ? '#fdf3e1' : node.kind === 'graph' ? '#eaf6ec' : '#fff';
  return <>
    {node.arrayed ? <circle cx={4} cy={-4} r={CONVERTER_RADIUS} fill={fill} stroke={stroke} strokeWidth={1} /> : null}
    <circle r={CONVERTER_RADIUS} fill={fill} stroke={stroke} strokeWidth={width} />
    {node.kind === 'graph' ? <path d="M-9,6 L-3,2 L2,-3 L9,-7" fill="none" stroke={stroke} strokeWidth="1.2" /> : null}
  </>;
}

/** The name inside a stock (up to three lines) or under a valve or converter (up to two). */
function Label({ node }: { readonly node: DiagramNode }) {
  const inside = node.kind === 'stock';
  const lines = wrapLabel(node.name, inside ? 15 : 22, inside ? 3 : 2);
  const first = inside ? -((lines.length - 1) * 14) / 2 + 4 : (node.kind === 'flow' ? VALVE_RADIUS : CONVERTER_RADIUS) + 14;
  return (
    <text textAnchor="middle" fontSize="12" fill="#1d2430">
      {lines.map((l, i) => <tspan key={i} x={0} y={first + i * 14}>{l}</tspan>)}
    </text>
  );
}
