// Where mail goes and who it is from, from the project's settings (AGENTDECK_EMAIL_TO /
// AGENTDECK_EMAIL_FROM override `email` in agentdeck.config.json) and its credentials.
import type { Project } from '../config/project.js';
import { emlTransport } from './eml.js';
import { resendTransport } from './resend-transport.js';
import type { MailTransport } from './types.js';

/** Resend's shared test sender: works without a verified domain (delivers to the account owner). */
export const DEFAULT_RESEND_FROM = 'agentdeck <onboarding@resend.dev>';
/** Offline mail needs addresses too; these only ever land in `.eml` files. */
export const OFFLINE_TO = 'admin@localhost';
export const OFFLINE_FROM = 'agentdeck <agentdeck@localhost>';

export interface EmailSettings {
  readonly mode: 'resend' | 'eml';
  readonly to: readonly string[];
  readonly from: string;
  readonly subjectPrefix: string;
  /** Set when something is missing that keeps mail from reaching anyone. */
  readonly problem: string | null;
}

type ProjectLike = Pick<Project, 'root' | 'env'> & { readonly config: { readonly email: Project['config']['email'] } };

export function emailSettings(project: ProjectLike): EmailSettings {
  const { email } = project.config;
  const mode = project.env.RESEND_API_KEY ? 'resend' : 'eml';
  if (mode === 'eml') {
    return {
      mode,
      to: email.to.length > 0 ? email.to : [OFFLINE_TO],
      from: email.from ?? OFFLINE_FROM,
      subjectPrefix: email.subjectPrefix,
      problem: null,
    };
  }
  return {
    mode,
    to: email.to,
    from: email.from ?? DEFAULT_RESEND_FROM,
    subjectPrefix: email.subjectPrefix,
    problem: email.to.length === 0 ? 'no recipient: set AGENTDECK_EMAIL_TO (or "email": {"to": ...} in agentdeck.config.json)' : null,
  };
}

export function transportFor(project: ProjectLike): MailTransport {
  const key = project.env.RESEND_API_KEY;
  if (!key) return emlTransport(project.root);
  return resendTransport({ apiKey: key, ...(project.env.RESEND_BASE_URL ? { baseUrl: project.env.RESEND_BASE_URL } : {}) });
}
