// One Redis command of a notifier chunk; a chunk's commands run in one MULTI/EXEC.
export type CacheCommand = ["set", string, string, number] | ["del", string] | ["publish", string, string];
