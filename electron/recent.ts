/** The most recently opened project files, kept in a small JSON file in the user's data folder. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const MAX_RECENT = 10;

export class RecentProjects {
  private paths: string[] = [];

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      this.paths = Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      // No list yet, or an unreadable one: start a new list rather than refuse to start.
      this.paths = [];
    }
  }

  list(): readonly string[] {
    return this.paths;
  }

  async add(path: string): Promise<void> {
    this.paths = [path, ...this.paths.filter((p) => p !== path)].slice(0, MAX_RECENT);
    await mkdir(dirname(this.file), { recursive: true });
    await writeFile(this.file, JSON.stringify(this.paths, null, 2));
  }
}
