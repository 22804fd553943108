/** A running loopback index (pypi-index.mjs). */
export interface PypiIndex {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `METHOD /path` of every request received, in order. */
  requests: string[];
  close(): Promise<void>;
}

export const YANKED_RELEASES: Record<string, [version: string, yanked: boolean | string][]>;

export function startPypiIndex(releases?: Record<string, [version: string, yanked: boolean | string][]>): Promise<PypiIndex>;
