package store

// BackfillChats runs migration step 8's backfill again, for its test.
func (s *Store) BackfillChats() error { return backfillChats(s.db) }
