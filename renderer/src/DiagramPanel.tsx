import { useEffect, useState } from 'react';
import { bindDataTables, checkModel, parseModel } from '../../engine/src/index.js';
import { Diagram } from './diagram/Diagram.js';
import { layoutDiagram, type DiagramLayout } from './diagram/layout.js';

interface Props {
  readonly text: string;
  readonly onSelect: (line: number, column: number) => void;
}

const LAYOUT_DELAY_MS = 300;

/** The stock-and-flow map of the model in the editor, redrawn shortly after each edit. */
export function DiagramPanel({ text, onSelect }: Props) {
  const [layout, setLayout] = useState<DiagramLayout>();
  const [selected, setSelected] = useState<string>();
  useEffect(() => {
    const timer = setTimeout(() => {
      const checked = checkModel(bindDataTables(parseModel(text, 'model.cwm').ast, undefined, { placeholders: true }).ast);
      const model = checked.model ?? checked.partial;
      if (model) setLayout(layoutDiagram(model));
    }, LAYOUT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  if (!layout) return <p className="empty">The diagram appears once the model can be read.</p>;
  return (
    <div className="diagram-panel">
      <Diagram layout={layout} {...(selected ? { selected } : {})} onSelect={(name, line, column) => { setSelected(name); onSelect(line, column); }} />
    </div>
  );
}
