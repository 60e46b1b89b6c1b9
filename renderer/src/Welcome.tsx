import { useEffect, useState } from 'react';
import type { ExampleInfo, ProjectFileInfo, ProjectSnapshot } from '../../services/api.js';
import { api } from './bridge.js';

interface Props {
  readonly onOpen: (snapshot: ProjectSnapshot) => void;
  /** A new project for the guided tutorial. */
  readonly onStartTutorial: (snapshot: ProjectSnapshot) => void;
  readonly onError: (message: string) => void;
}

/** First run: one click from an example to a running model; or open or start a project. */
export function Welcome({ onOpen, onStartTutorial, onError }: Props) {
  const [examples, setExamples] = useState<ExampleInfo[]>([]);
  const [projects, setProjects] = useState<ProjectFileInfo[]>([]);
  const [name, setName] = useState('');

  useEffect(() => {
    api.listExamples().then(setExamples, (e: Error) => onError(e.message));
    api.listProjects().then(setProjects, (e: Error) => onError(e.message));
  }, [onError]);

  const act = (p: Promise<ProjectSnapshot>) => p.then(onOpen, (e: Error) => onError(e.message));
  const startTutorial = async () => {
    const taken = new Set(projects.map((p) => p.name.toLowerCase()));
    let name = 'Tutorial';
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `Tutorial ${n}`;
    await api.createProject(name).then(onStartTutorial, (e: Error) => onError(e.message));
  };

  return (
    <div className="welcome" data-testid="welcome">
      <h1>Commissioning Workbench</h1>
      <p className="lead">Stock-and-flow models for health and social care commissioning: write the model, run it, compare futures.</p>
      <section>
        <h2>Start from an example</h2>
        <div className="cards">
          {examples.map((e) => (
            <button key={e.id} className="card" data-testid="example" data-id={e.id} onClick={() => act(api.createProjectFromExample(e.id))}>
              <strong>{e.title}</strong>
              <span>{e.summary}</span>
            </button>
          ))}
        </div>
      </section>
      <section>
        <h2>Learn</h2>
        <button className="card tutorial-card" data-testid="start-tutorial" onClick={() => startTutorial()}>
          <strong>Build your first model, step by step</strong>
          <span>Eight short steps from an empty page to a care-home model with demand, capacity and cost — each checked as you type.</span>
        </button>
      </section>
      <section className="two-columns">
        <div>
          <h2>New project</h2>
          <form onSubmit={(ev) => { ev.preventDefault(); if (name.trim()) act(api.createProject(name.trim())); }}>
            <input data-testid="new-project-name" placeholder="Project name" value={name} onChange={(e) => setName(e.target.value)} />
            <button type="submit" data-testid="create-project" disabled={!name.trim()}>Create</button>
          </form>
        </div>
        <div>
          <h2>Open a project</h2>
          {projects.length === 0 ? <p className="empty">No projects yet.</p> : (
            <ul className="project-list">
              {projects.map((p) => (
                <li key={p.name}>
                  <button data-testid="open-project" data-name={p.name} onClick={() => act(api.openProject(p.name))}>{p.name}</button>
                  <small>{new Date(p.modifiedAt).toLocaleString()}</small>
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>
    </div>
  );
}
