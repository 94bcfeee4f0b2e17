// The built-in checks, in report order. Add a check here (or call registerHealthCheck).
import type { HealthCheck } from '../types.js';
import { configCheck } from './config.js';
import { databaseCheck } from './database.js';
import { localDbCheck } from './local-db.js';
import { managementCheck } from './management.js';
import { modelCheck } from './model.js';
import { resendCheck } from './resend.js';
import { stateCheck } from './state.js';
import { supabaseCheck } from './supabase.js';

export const BUILTIN_CHECKS: readonly HealthCheck[] = [
  configCheck,
  supabaseCheck,
  managementCheck,
  databaseCheck,
  localDbCheck,
  resendCheck,
  modelCheck,
  stateCheck,
];
