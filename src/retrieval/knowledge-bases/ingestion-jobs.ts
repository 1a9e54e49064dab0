// The ingestion jobs of one knowledge base: the latest few, kept in `jobs.json` beside its file ledger
// (replaced atomically when a job starts and ends) and in memory while one runs (its progress). A job
// found IN_PROGRESS on start-up was cut off by a stop or a crash: it is marked FAILED, and the next job
// resumes from the ledger, skipping every file that was committed.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { safeParseJson } from '../../core/index.js';
import type { IngestionProgress, IngestionStatistics } from './ingestion-job.js';

export type IngestionJobStatus = 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'STOPPED';

export interface IngestionJob {
  jobId: string;
  knowledgeBaseId: string;
  status: IngestionJobStatus;
  startedAt: string;
  updatedAt: string;
  /** Who started it (the run itself acts as the knowledge base's owner). */
  startedBy: string;
  statistics: IngestionStatistics;
  progress: IngestionProgress;
  failureReasons: string[];
}

const KEEP_JOBS = 20;

export const INTERRUPTED =
  'The job was interrupted (the server stopped). Start a new job: it resumes, skipping every file already committed.';

export function newJobId(): string {
  return `job_${randomBytes(8).toString('hex')}`;
}

export class JobHistory {
  private readonly file: string;
  private jobs: IngestionJob[] = [];

  private constructor(dir: string) {
    this.file = join(dir, 'jobs.json');
  }

  static async open(dir: string): Promise<JobHistory> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const history = new JobHistory(dir);
    let text = '';
    try {
      text = await readFile(history.file, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
    const parsed = text === '' ? undefined : safeParseJson(text);
    if (parsed?.ok && Array.isArray(parsed.value)) history.jobs = parsed.value as IngestionJob[];
    let interrupted = false;
    for (const job of history.jobs) {
      if (job.status === 'IN_PROGRESS') {
        job.status = 'FAILED';
        job.failureReasons = [...job.failureReasons, INTERRUPTED];
        interrupted = true;
      }
    }
    if (interrupted) await history.save();
    return history;
  }

  /** Newest first. */
  list(): IngestionJob[] {
    return [...this.jobs];
  }

  get(jobId: string): IngestionJob | undefined {
    return this.jobs.find((j) => j.jobId === jobId);
  }

  latest(): IngestionJob | undefined {
    return this.jobs[0];
  }

  async add(job: IngestionJob): Promise<void> {
    this.jobs = [job, ...this.jobs].slice(0, KEEP_JOBS);
    await this.save();
  }

  async save(): Promise<void> {
    const temp = `${this.file}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(this.jobs));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
  }
}
