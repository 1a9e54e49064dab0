import type { Warning } from '../../core/index.js';

/** Collects the warnings of one call; a setting repeated in many blocks is reported once. */
export class WarningList {
  private readonly items: Warning[] = [];

  add(setting: string, message: string): void {
    if (this.items.some((w) => w.setting === setting && w.message === message)) return;
    this.items.push({ setting, message });
  }

  list(): Warning[] {
    return [...this.items];
  }
}
