// `agentdeck mcp` exactly as the binary runs it: the CLI's main with the `mcp` verb.
import { main } from '../../../src/cli.js';

process.exitCode = await main(['mcp']);
