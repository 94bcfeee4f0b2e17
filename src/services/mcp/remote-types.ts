// What the app's MCP client returns and throws, without loading the MCP SDK (command handlers
// import these eagerly; the client itself loads only when a tool is listed or called).
export interface RemoteMcpTarget {
  readonly url: string;
  readonly key: string;
}

export interface RemoteTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
  readonly destructive: boolean;
  readonly readOnly: boolean;
}

export interface RemoteCallResult {
  readonly isError: boolean;
  /** The text parts, joined; other parts are summarised (`[image/png]`). */
  readonly text: string;
  readonly structured?: Record<string, unknown>;
}

/** A failure told in one line, with a stable code for the command result. */
export class RemoteMcpError extends Error {
  constructor(
    readonly code: 'not_configured' | 'unauthorized' | 'not_found' | 'unreachable' | 'protocol' | 'tool_unknown' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'RemoteMcpError';
  }
}
