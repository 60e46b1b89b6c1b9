/**
 * Registers the `.cwm` model language with Monaco: highlighting, completion, hover, go-to-definition,
 * quick fixes, and markers from diagnostics computed in the analysis worker.
 *
 * The Monaco namespace is a parameter (only its types are imported here), so this module adds
 * nothing to a bundle by itself and the caller decides which Monaco build to use.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api.js';
import type { Diagnostic } from '../../../engine/src/index.js';
import { AnalysisClient } from './analysis-client.js';
import {
  completions,
  cwmLanguageConfiguration,
  cwmMonarchLanguage,
  definition,
  emptyAnalysis,
  hover,
  quickFixes,
  type Analysis,
  type DataTableNames,
  type CompletionKind,
  type Range,
} from './language-service.js';

export type MonacoApi = typeof Monaco;

export const CWM_LANGUAGE_ID = 'cwm';
/** Owner and source of our markers, so quick fixes only answer our own diagnostics. */
export const CWM_MARKER_OWNER = 'cwm';

/** The analysis client of each open model, by model URI: the providers read the latest analysis from it. */
const clients = new Map<string, AnalysisClient>();
const registered = new WeakSet<object>();

let projectTables: readonly DataTableNames[] = [];

/** The open project's data tables, offered when completing `data:` lines. */
export function setProjectDataTables(tables: readonly DataTableNames[]): void {
  projectTables = tables;
}

function latestFor(model: Monaco.editor.ITextModel): Analysis | undefined {
  const latest = clients.get(model.uri.toString())?.latest;
  return latest ? { ...latest, dataTables: projectTables } : undefined;
}

export function toMonacoRange(r: Range): Monaco.IRange {
  return { startLineNumber: r.line, startColumn: r.column, endLineNumber: r.endLine, endColumn: r.endColumn };
}

/**
 * Registers the language and its providers once per Monaco instance (later calls do nothing).
 * Providers answer from the latest analysis of the model they are asked about (see `attachCwmModel`).
 */
export function registerCwmLanguage(monaco: MonacoApi): void {
  if (registered.has(monaco)) return;
  registered.add(monaco);
  const { languages } = monaco;
  if (!languages.getLanguages().some((l) => l.id === CWM_LANGUAGE_ID)) {
    languages.register({ id: CWM_LANGUAGE_ID, extensions: ['.cwm'], aliases: ['Commissioning Workbench model', 'cwm'] });
  }
  languages.setMonarchTokensProvider(CWM_LANGUAGE_ID, cwmMonarchLanguage as unknown as Monaco.languages.IMonarchLanguage);
  languages.setLanguageConfiguration(CWM_LANGUAGE_ID, {
    ...cwmLanguageConfiguration,
    // A statement line is followed by its indented property lines.
    onEnterRules: [
      {
        beforeText: /^\s*(?:stock|flow|aux|const|graph|dimension|simulation|model)\b[^#]*$/i,
        action: { indentAction: languages.IndentAction.None, appendText: '  ' },
      },
    ],
  });

  const kinds: Record<CompletionKind, Monaco.languages.CompletionItemKind> = {
    variable: languages.CompletionItemKind.Variable,
    function: languages.CompletionItemKind.Function,
    constant: languages.CompletionItemKind.Constant,
    keyword: languages.CompletionItemKind.Keyword,
    property: languages.CompletionItemKind.Property,
    dimension: languages.CompletionItemKind.Enum,
    element: languages.CompletionItemKind.EnumMember,
    unit: languages.CompletionItemKind.Unit,
    value: languages.CompletionItemKind.Value,
    snippet: languages.CompletionItemKind.Snippet,
  };

  languages.registerCompletionItemProvider(CWM_LANGUAGE_ID, {
    triggerCharacters: ['"', '[', ',', '('],
    provideCompletionItems(model, position) {
      const analysis = latestFor(model) ?? { ...emptyAnalysis(), dataTables: projectTables };
      const items = completions(analysis, model.getValue(), position.lineNumber, position.column);
      return {
        suggestions: items.map((item) => ({
          label: item.label,
          kind: kinds[item.kind],
          insertText: item.insertText,
          ...(item.snippet ? { insertTextRules: languages.CompletionItemInsertTextRule.InsertAsSnippet } : {}),
          range: toMonacoRange(item.range),
          ...(item.filterText === undefined ? {} : { filterText: item.filterText }),
          ...(item.sortText === undefined ? {} : { sortText: item.sortText }),
          ...(item.detail === undefined ? {} : { detail: item.detail }),
          ...(item.documentation === undefined ? {} : { documentation: { value: item.documentation } }),
        })),
      };
    },
  });

  languages.registerHoverProvider(CWM_LANGUAGE_ID, {
    provideHover(model, position) {
      const analysis = latestFor(model);
      if (!analysis) return undefined;
      const result = hover(analysis, model.getValue(), position.lineNumber, position.column);
      return result ? { range: toMonacoRange(result.range), contents: [{ value: result.markdown }] } : undefined;
    },
  });

  languages.registerDefinitionProvider(CWM_LANGUAGE_ID, {
    provideDefinition(model, position) {
      const analysis = latestFor(model);
      if (!analysis) return undefined;
      const range = definition(analysis, model.getValue(), position.lineNumber, position.column);
      return range ? { uri: model.uri, range: toMonacoRange(range) } : undefined;
    },
  });

  languages.registerCodeActionProvider(
    CWM_LANGUAGE_ID,
    {
      provideCodeActions(model, _range, context) {
        const analysis = latestFor(model);
        if (!analysis) return { actions: [], dispose() {} };
        const text = model.getValue();
        const actions: Monaco.languages.CodeAction[] = [];
        for (const marker of context.markers) {
          if (marker.source !== CWM_MARKER_OWNER) continue;
          for (const fix of quickFixes(analysis, markerToDiagnostic(monaco, marker, analysis.file), text)) {
            actions.push({
              title: fix.title,
              kind: 'quickfix',
              diagnostics: [marker],
              ...(fix.isPreferred ? { isPreferred: true } : {}),
              edit: {
                edits: fix.edits.map((e) => ({ resource: model.uri, versionId: model.getVersionId(), textEdit: { range: toMonacoRange(e.range), text: e.text } })),
              },
            });
          }
        }
        return { actions, dispose() {} };
      },
    },
    { providedCodeActionKinds: ['quickfix'] },
  );
}

/** Our diagnostics as markers on the model (replacing the previous ones). */
export function setModelMarkers(monaco: MonacoApi, model: Monaco.editor.ITextModel, diagnostics: readonly Diagnostic[]): void {
  monaco.editor.setModelMarkers(
    model,
    CWM_MARKER_OWNER,
    diagnostics.map((d) => ({
      severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      message: d.message,
      code: d.code,
      source: CWM_MARKER_OWNER,
      startLineNumber: d.line,
      startColumn: d.column,
      endLineNumber: d.endLine,
      endColumn: d.endColumn,
    })),
  );
}

function markerToDiagnostic(monaco: MonacoApi, m: Monaco.editor.IMarkerData, file: string): Diagnostic {
  const code = typeof m.code === 'string' ? m.code : (m.code?.value ?? 'internal');
  return {
    severity: m.severity === monaco.MarkerSeverity.Error ? 'error' : 'warning',
    code: code as Diagnostic['code'],
    message: m.message,
    file,
    line: m.startLineNumber,
    column: m.startColumn,
    endLine: m.endLineNumber,
    endColumn: m.endColumn,
  };
}

export interface AttachOptions {
  /** Reuse a client (and its worker); by default each model gets its own, disposed with it. */
  readonly client?: AnalysisClient;
  /** File name in diagnostics. */
  readonly file?: string;
  /** Quiet time after typing before the text is sent for analysis (default 120 ms). */
  readonly debounceMs?: number;
}

/**
 * Wires one editor model to the language: its text is analysed in the worker after each change,
 * diagnostics become markers and are passed to `onDiagnostics`, and the providers use the answers.
 */
export function attachCwmModel(
  monaco: MonacoApi,
  model: Monaco.editor.ITextModel,
  onDiagnostics: (diagnostics: readonly Diagnostic[]) => void,
  options: AttachOptions = {},
): Monaco.IDisposable {
  registerCwmLanguage(monaco);
  if (model.getLanguageId() !== CWM_LANGUAGE_ID) monaco.editor.setModelLanguage(model, CWM_LANGUAGE_ID);
  const client = options.client ?? new AnalysisClient(undefined, options.file);
  const key = model.uri.toString();
  clients.set(key, client);
  const stop = client.onAnalysis((analysis) => {
    if (model.isDisposed()) return;
    setModelMarkers(monaco, model, analysis.diagnostics);
    onDiagnostics(analysis.diagnostics);
  });
  const delay = options.debounceMs ?? 120;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changes = model.onDidChangeContent(() => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!model.isDisposed()) void client.update(model.getValue());
    }, delay);
  });
  void client.update(model.getValue());
  return {
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      changes.dispose();
      stop();
      if (clients.get(key) === client) clients.delete(key);
      if (!model.isDisposed()) monaco.editor.setModelMarkers(model, CWM_MARKER_OWNER, []);
      if (!options.client) client.dispose();
    },
  };
}

/** The same as `attachCwmModel` with default options (what the editor component calls). */
export function attachCwmLanguage(monaco: MonacoApi, model: Monaco.editor.ITextModel, onDiagnostics: (d: readonly Diagnostic[]) => void): Monaco.IDisposable {
  return attachCwmModel(monaco, model, onDiagnostics);
}
