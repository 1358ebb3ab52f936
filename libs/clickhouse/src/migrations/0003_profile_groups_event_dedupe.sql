-- Groups a profile was assigned to (assign_group), mirrored like the other profile fields.
ALTER TABLE {{db}}.{{local:profiles}} {{on_cluster}} ADD COLUMN IF NOT EXISTS groups Array(String) AFTER properties;

{{alter_distributed:profiles:ADD COLUMN IF NOT EXISTS groups Array(String) AFTER properties}}

-- The event writer tags each insert with a deduplication token (its position in the local
-- write-ahead log), so a batch replayed after a crash is not stored twice. Replicated
-- tables deduplicate by token already; a single node needs this window.
ALTER TABLE {{db}}.{{local:events}} {{on_cluster}} MODIFY SETTING non_replicated_deduplication_window = 10000;
