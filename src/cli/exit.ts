// Exit codes of every verb: 0 done, 1 failed, 2 usage error, 3 incomplete (a check could not run).
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INCOMPLETE = 3;
