import type { ProjectSnapshot } from '../../../services/api.js';

/** What a tab over the open model is given: the project, the model and its current text. */
export interface ModelPanelProps {
  readonly project: ProjectSnapshot;
  readonly modelId?: number;
  readonly text: string;
  readonly onError: (message: string) => void;
}

/** A tab that also changes the project (scenarios, analyses, hypotheses) and says so. */
export interface EditingPanelProps extends ModelPanelProps {
  readonly onChanged: () => void;
}
