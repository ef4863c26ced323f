/**
 * n8n reads its settings from the environment when its configuration is first built, which can
 * happen while n8n-core's modules load. This module is imported before them: a throw-away user
 * folder (never the developer's ~/.n8n), a fixed encryption key, and no log output (n8n logs every
 * node error it reports; tests read errors from the run instead).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fixed key, so a failure that mentions encrypted data can be reproduced. */
export const TEST_ENCRYPTION_KEY = 'n8n-nodes-thoughtly-test-encryption-key';

process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'n8n-nodes-thoughtly-'));
process.env.N8N_ENCRYPTION_KEY ??= TEST_ENCRYPTION_KEY;
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_LOG_LEVEL ??= 'silent';
