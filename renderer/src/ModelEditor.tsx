import './editor/monaco-features.js';
import * as monaco from 'monaco-editor/editor/editor.api.js';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { Diagnostic } from '../../engine/src/index.js';
import { attachCwmLanguage, CWM_LANGUAGE_ID } from './editor/monaco-language.js';

export interface EditorHandle {
  reveal(line: number, column: number): void;
}

interface Props {
  /** The document's text when it is loaded; afterwards the editor owns it and reports edits. */
  readonly text: string;
  /** Changes when a different document is loaded into the editor. */
  readonly document: number;
  readonly onChange: (text: string) => void;
  /** Live diagnostics, computed off the UI thread as the user types. */
  readonly onDiagnostics: (diagnostics: readonly Diagnostic[]) => void;
}

/** Monaco with our model language: highlighting, completion, hover, go-to-definition, quick fixes. */
export const ModelEditor = forwardRef<EditorHandle, Props>(function ModelEditor({ text, document, onChange, onDiagnostics }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor>(undefined);
  const callbacks = useRef({ onChange, onDiagnostics });
  callbacks.current = { onChange, onDiagnostics };

  useEffect(() => {
    if (!host.current) return;
    const model = monaco.editor.createModel(text, CWM_LANGUAGE_ID);
    const ed = monaco.editor.create(host.current, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      wordWrap: 'on',
      scrollBeyondLastLine: false,
      fixedOverflowWidgets: true,
    });
    editor.current = ed;
    const language = attachCwmLanguage(monaco, model, (d) => callbacks.current.onDiagnostics(d));
    const sub = model.onDidChangeContent(() => callbacks.current.onChange(model.getValue()));
    // Where the cursor is, for the diagram's jump-to-equation and for tests.
    const cursor = ed.onDidChangeCursorPosition((e) => host.current?.setAttribute('data-cursor-line', String(e.position.lineNumber)));
    return () => {
      sub.dispose();
      cursor.dispose();
      language.dispose();
      ed.dispose();
      model.dispose();
    };
    // The editor is created once; later text changes from outside are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Only a newly loaded document replaces the contents: the `text` prop otherwise echoes edits the
  // user has already made, and setting it back could rewind keystrokes typed since.
  useEffect(() => {
    const model = editor.current?.getModel();
    if (model && model.getValue() !== text) model.setValue(text);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [document]);

  useImperativeHandle(ref, () => ({
    reveal(line, column) {
      const ed = editor.current;
      if (!ed) return;
      ed.revealLineInCenter(line);
      ed.setPosition({ lineNumber: line, column });
      ed.focus();
    },
  }), []);

  return <div className="editor-host" ref={host} data-testid="editor" />;
});
