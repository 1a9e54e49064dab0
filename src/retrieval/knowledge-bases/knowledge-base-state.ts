// What a process keeps of each knowledge base outside the catalog, in `<stateDir>/<securable id>/`: the
// file ledger, the job history and a note of the knowledge base's name and source; plus, in memory, the
// job running now. Opened on first use and closed together.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord, LakegateError, safeParseJson } from '../../core/index.js';
import { FileLedger } from './file-ledger.js';
import { type IngestionJob, JobHistory } from './ingestion-jobs.js';

export interface KbState {
  ledger: FileLedger;
  jobs: JobHistory;
  running?: { job: IngestionJob; controller: AbortController; done: Promise<void> };
}

/**
 * The note kept beside a knowledge base's state: its full name (so the Bedrock API can address it by id)
 * and the source it was created over, which is fixed for its life (see KnowledgeBases.configFor).
 */
export interface KbNote {
  fullName: string;
  source: string;
}

/** Securable ids of knowledge bases (`kb_<hex>`): also what may become a folder name. */
export const KB_ID = /^kb_[A-Za-z0-9_-]{1,120}$/;

export class KnowledgeBaseStates {
  private readonly states = new Map<string, Promise<KbState>>();

  constructor(private readonly stateDir: string) {}

  of(kbId: string): Promise<KbState> {
    let state = this.states.get(kbId);
    if (!state) {
      const dir = this.dirOf(kbId);
      state = Promise.all([FileLedger.open(dir), JobHistory.open(dir)]).then(([ledger, jobs]) => ({
        ledger,
        jobs,
      }));
      state.catch(() => this.states.delete(kbId));
      this.states.set(kbId, state);
    }
    return state;
  }

  async note(kbId: string): Promise<KbNote | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dirOf(kbId), 'kb.json'), 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
    const parsed = safeParseJson(text);
    if (!parsed.ok || !isRecord(parsed.value)) return undefined;
    const { fullName, source } = parsed.value;
    return typeof fullName === 'string' && typeof source === 'string' ? { fullName, source } : undefined;
  }

  async writeNote(kbId: string, note: KbNote): Promise<void> {
    await mkdir(this.dirOf(kbId), { recursive: true, mode: 0o700 });
    const file = join(this.dirOf(kbId), 'kb.json');
    await writeFile(`${file}.tmp`, JSON.stringify(note), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }

  /** Stops its running job and removes its state. */
  async remove(kbId: string): Promise<void> {
    const state = await this.states.get(kbId)?.catch(() => undefined);
    if (state?.running) {
      state.running.controller.abort();
      await state.running.done;
    }
    state?.ledger.close();
    this.states.delete(kbId);
    await rm(this.dirOf(kbId), { recursive: true, force: true });
  }

  /** Stops running jobs (they resume from the ledger next time) and closes the ledgers. */
  async close(): Promise<void> {
    const states = await Promise.all([...this.states.values()].map((s) => s.catch(() => undefined)));
    for (const state of states) state?.running?.controller.abort();
    await Promise.all(states.map((s) => s?.running?.done));
    for (const state of states) state?.ledger.close();
    this.states.clear();
  }

  private dirOf(kbId: string): string {
    if (!KB_ID.test(kbId))
      throw new LakegateError('INTERNAL', 'A knowledge base id is not a safe folder name.');
    return join(this.stateDir, kbId);
  }
}
