import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import './styles.css';

// Monaco's own worker (text model sync, diffing) is a separate bundled file, served by the app.
(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker: () => new Worker('editor.worker.js', { name: 'monaco-editor' }),
};

createRoot(document.getElementById('root')!).render(<App />);
