import { useEffect, useMemo, useState } from 'react';
import type { RunOutput } from '../../services/api.js';
import { analyse, type Analysis } from './editor/language-service.js';
import { CARE_HOME_TUTORIAL, type StepCheck } from './tutorial/care-home-tutorial.js';

interface Props {
  readonly text: string;
  /** The latest successful run of the editor's text. */
  readonly run?: RunOutput;
  /** Replaces the editor's text with a step's answer. */
  readonly onShow: (text: string) => void;
  readonly onClose: () => void;
}

const CHECK_DELAY_MS = 250;

/** The guided tutorial beside the editor: one step at a time, checked as the user types. */
export function TutorialPanel({ text, run, onShow, onClose }: Props) {
  const [index, setIndex] = useState(0);
  const [analysis, setAnalysis] = useState<Analysis>(() => analyse(text, 'tutorial.cwm'));
  const [done, setDone] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const timer = setTimeout(() => setAnalysis(analyse(text, 'tutorial.cwm')), CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const step = CARE_HOME_TUTORIAL[index]!;
  const result: StepCheck = useMemo(() => step.check({ analysis, ...(run ? { run } : {}) }), [step, analysis, run]);
  useEffect(() => {
    if (result.ok && !done.has(step.id)) setDone(new Set(done).add(step.id));
  }, [result, step, done]);

  return (
    <aside className="tutorial" data-testid="tutorial">
      <header>
        <strong>Tutorial: care homes</strong>
        <button className="small" onClick={onClose} title="Close the tutorial">×</button>
      </header>
      <ol className="tutorial-steps">
        {CARE_HOME_TUTORIAL.map((s, i) => (
          <li key={s.id} className={`${i === index ? 'current' : ''} ${done.has(s.id) ? 'done' : ''}`}>
            <button onClick={() => setIndex(i)}>{done.has(s.id) ? '✓ ' : ''}{s.title}</button>
          </li>
        ))}
      </ol>
      <section className="tutorial-step">
        <h3 data-testid="tutorial-title">{step.title}</h3>
        {step.body.map((p, i) => <p key={i}>{p}</p>)}
        <div className={`tutorial-check ${result.ok ? 'good' : 'bad'}`} data-testid="tutorial-check" data-ok={String(result.ok)} role="status">
          {result.ok ? '✓ ' : ''}{result.message}
        </div>
        <div className="tutorial-buttons">
          <button onClick={() => setIndex(Math.max(0, index - 1))} disabled={index === 0}>Back</button>
          <button data-testid="tutorial-show" onClick={() => onShow(step.solution)} title="Write this step's answer into the editor">Show me</button>
          <button data-testid="tutorial-next" onClick={() => setIndex(index + 1)} disabled={!result.ok || index === CARE_HOME_TUTORIAL.length - 1}>Next</button>
        </div>
      </section>
    </aside>
  );
}
