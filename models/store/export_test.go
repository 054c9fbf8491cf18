package store

import "gorm.io/gorm"

// Hooks for the store's own tests.

// TestDB is the store's connection.
func (s *Store) TestDB() *gorm.DB { return s.db }

// CreateStatusSearch is migration step 11.
var CreateStatusSearch = createStatusSearch
