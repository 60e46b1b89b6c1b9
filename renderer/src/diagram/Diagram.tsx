import { useRef, useState, type WheelEvent, type PointerEvent } from 'react';
import { CONVERTER_RADIUS, STOCK_HEIGHT, VALVE_RADIUS, type DiagramLayout, type DiagramNode, stockWidth, wrapLabel } from './layout.js';

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
        <g key={`pipe-${p.flow}`} className={`pipe${p.role ? ` ${p.role}` : ''}`} data-role={p.role}>
          <polyline points={p.points.map((q) => `${q.x},${q.y}`).join(' ')} fill="none" stroke="#3b4a5a" strokeWidth="7" strokeLinejoin="round" />
          {/* An overflow's pipe is dashed: it only carries what the queue's other outflows could not pass on. */}
          <polyline points={p.points.map((q) => `${q.x},${q.y}`).join(' ')} fill="none" stroke="#fff" strokeWidth="3.5" strokeLinejoin="round" markerEnd="url(#pipe-head)"
            {...(p.role === 'overflow' ? { strokeDasharray: '6 4' } : {})} />
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
        <g key={`node-${n.name}`} className={`node ${n.kind}${n.role ? ` ${n.role}` : ''}${n.name === selected ? ' selected' : ''}`} data-testid="diagram-node" data-name={n.name} data-kind={n.kind} data-role={n.role}
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
    const w = stockWidth(node.role);
    const box = <>
      <rect x={-w / 2} y={-STOCK_HEIGHT / 2} width={w} height={STOCK_HEIGHT} fill="#e8f0fb" stroke={stroke} strokeWidth={width} />
      {node.role === 'conveyor' ? <Belt width={w} stroke={stroke} transit={node.transit} /> : node.role === 'queue' ? <Line width={w} stroke={stroke} /> : null}
    </>;
    if (!node.arrayed) return box;
    // Arrays are drawn as a stack, as Stella does.
    return <>
      <rect x={-w / 2 + 6} y={-STOCK_HEIGHT / 2 - 6} width={w} height={STOCK_HEIGHT} fill="#d3e0f3" stroke={stroke} strokeWidth={1} />
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

/**
 * A conveyor, as Stella draws it: a belt of slats along the bottom of a wide box, with its transit
 * time written on the belt (slats left out under the writing).
 */
function Belt({ width, stroke, transit }: { readonly width: number; readonly stroke: string; readonly transit: string | undefined }) {
  const top = STOCK_HEIGHT / 2 - 11;
  const text = transit === undefined ? undefined : `transit ${transit}`;
  // 10px sans-serif: about 5.5px a character.
  const gap = text === undefined ? 0 : Math.min(width - 20, text.length * 5.5 + 8) / 2;
  const slats: number[] = [];
  for (let x = -width / 2 + 10; x < width / 2 - 4; x += 12) if (Math.abs(x) > gap) slats.push(x);
  return <g className="belt">
    <path d={`M${-width / 2},${top} H${width / 2}`} stroke={stroke} strokeWidth="1" />
    {slats.map((x) => <path key={x} d={`M${x},${top} V${STOCK_HEIGHT / 2}`} stroke={stroke} strokeWidth="0.8" />)}
    {text !== undefined ? <text className="transit" x={0} y={STOCK_HEIGHT / 2 - 2.5} textAnchor="middle" fontSize="10" fill="#3b4a5a">{text}</text> : null}
  </g>;
}

/** A queue: a line of waiting batches along the bottom of the box. */
function Line({ width, stroke }: { readonly width: number; readonly stroke: string }) {
  return <g className="queue-line">
    {[0, 1, 2, 3, 4].map((i) => <rect key={i} x={-width / 2 + 7 + i * 12} y={STOCK_HEIGHT / 2 - 12} width="8" height="8" fill="#fff" stroke={stroke} strokeWidth="0.8" />)}
  </g>;
}

/**
 * The name inside a stock (up to three lines; above a conveyor's belt or a queue's line) or under a
 * valve or converter (up to two; beside a valve on an upright pipe); a leakage's or an overflow's
 * valve says which it is under its name.
 */
function Label({ node }: { readonly node: DiagramNode }) {
  const inside = node.kind === 'stock';
  const marked = node.role === 'conveyor' || node.role === 'queue';
  // Converters sit one narrow cell apart, so their names wrap narrower (and onto a third line) than a valve's.
  const converter = node.kind !== 'stock' && node.kind !== 'flow';
  const lines = inside ? wrapLabel(node.name, node.role === 'conveyor' ? 24 : 15, marked ? 2 : 3)
    : converter ? wrapLabel(node.name, 16, 3) : wrapLabel(node.name, 22, 2);
  const tag = node.role === 'leak' ? 'leakage' : node.role === 'overflow' ? 'overflow' : undefined;
  const beside = node.kind === 'flow' && node.labelRight === true;
  const count = lines.length + (tag ? 1 : 0);
  const first = inside ? -((lines.length - 1) * 14) / 2 + (marked ? -2 : 4)
    : beside ? -((count - 1) * 14) / 2 + 4
    : node.labelAbove ? -(CONVERTER_RADIUS + 6) - (lines.length - 1) * 14
    : (node.kind === 'flow' ? VALVE_RADIUS : CONVERTER_RADIUS) + 14;
  const x = beside ? VALVE_RADIUS + 5 : 0;
  return (
    <text textAnchor={beside ? 'start' : 'middle'} fontSize="12" fill="#1d2430">
      {lines.map((l, i) => <tspan key={i} x={x} y={first + i * 14}>{l}</tspan>)}
      {tag ? <tspan className="role-tag" x={x} y={first + lines.length * 14 - 1} fontSize="10" fontStyle="italic" fill="#5a6675">{`(${tag})`}</tspan> : null}
    </text>
  );
}
