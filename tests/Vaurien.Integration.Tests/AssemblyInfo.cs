// These tests time delays through a real host; host processes starting in parallel beside them would add
// scheduling noise on a 2-core machine, so the classes run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
