import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, wherever the lab was cloned. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const POCS_DIR = path.join(REPO_ROOT, 'pocs');
export const RESULTS_DIR = path.join(REPO_ROOT, 'results');
