import type { FileKind } from './types';

/**
 * Which files Pin Hygiene understands, by name (SPEC §2; globs are case-insensitive).
 * `path` may use `/` or `\` separators.
 */
export function fileKindOf(path: string): FileKind | undefined {
  const parts = path.split(/[\\/]/).filter((part) => part.length > 0);
  const base = (parts[parts.length - 1] ?? '').toLowerCase();
  const parent = (parts[parts.length - 2] ?? '').toLowerCase();
  if (base.endsWith('.txt') && (base.includes('requirements') || base.includes('constraints') || parent === 'requirements')) {
    return 'pip-requirements';
  }
  if (base.endsWith('.pip')) return 'pip-requirements';
  if (base.startsWith('requirements') && base.endsWith('.in')) return 'pip-requirements';
  if (base === 'dockerfile' || base.startsWith('dockerfile.') || base.endsWith('.dockerfile')) return 'dockerfile';
  if (base === 'containerfile' || base.startsWith('containerfile.')) return 'dockerfile';
  return undefined;
}

/** pip-tools inputs (`requirements*.in`) are loose on purpose: no pinning findings there (SPEC §2). */
export function isPipToolsInput(path: string): boolean {
  return /\.in$/i.test(path);
}
