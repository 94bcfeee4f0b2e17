// The top line: health light, active agents, queue size, last deployment, project and target.
import { Box, Text } from 'ink';
import { memo } from 'react';
import { activeAgentsText } from '../../store/selectors.js';
import type { DeckState } from '../../store/types.js';
import { ago, truncate } from '../format/text.js';
import { queueSize } from '../queue.js';

export interface HealthLight {
  readonly color: 'green' | 'yellow' | 'red' | 'gray';
  readonly label: string;
}

export function healthLight(health: DeckState['health']): HealthLight {
  if (!health) return { color: 'gray', label: 'CHECKING' };
  if (health.some((c) => c.status === 'failing')) return { color: 'red', label: 'DEGRADED' };
  if (health.length > 0 && health.every((c) => c.status === 'not_configured')) return { color: 'yellow', label: 'NOT CONFIGURED' };
  // Green means every configured check passed; what is not configured is still said (`health` names them).
  const unset = health.filter((c) => c.status === 'not_configured').length;
  return { color: 'green', label: unset ? `OK · ${unset} NOT CONFIGURED` : 'OPTIMAL' };
}

/** Active agents out of all the agents the pane lists (one count, shared with the quit dialog and `status`). */
export function activeAgents(s: DeckState): string {
  return activeAgentsText(s);
}

export function lastDeploymentText(s: DeckState, now: number): string {
  const d = s.lastDeployment;
  if (!d) return 'none';
  return `${d.env} ${d.status === 'done' || d.status === 'success' ? '' : `${d.status} `}${ago(d.ts, now)}`;
}

export interface HeaderProps {
  readonly deck: DeckState;
  readonly project: string;
  readonly target: string;
  readonly width: number;
  readonly now: number;
}

// Memoized: a keystroke redraws the prompt, not this pane's content.
export const Header = memo(function Header({ deck, project, target, width, now }: HeaderProps) {
  const light = healthLight(deck.health);
  // Narrow terminals get the short labels, so the project and target still fit.
  const wide = width >= 110;
  const rest = wide
    ? ` │ Active agents ${activeAgents(deck)} │ Queue ${queueSize(deck)} │ Last deployment: ${lastDeploymentText(deck, now)} │ ${project} → ${target}`
    : ` │ Agents ${activeAgents(deck)} │ Queue ${queueSize(deck)} │ Deploy: ${lastDeploymentText(deck, now)} │ ${project} → ${target}`;
  const head = ` AGENTDECK │ `;
  const lightText = `● ${light.label}`;
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text bold color="cyan">
          {head}
        </Text>
        <Text color={light.color} bold>
          {lightText}
        </Text>
        <Text>{truncate(rest, Math.max(0, width - head.length - lightText.length))}</Text>
      </Text>
    </Box>
  );
});
