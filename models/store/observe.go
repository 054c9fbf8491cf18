package store

import (
	"context"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"
)

// queryObservers are the functions told about every statement a Store runs
// (tests count the queries of a request with them). Shared by a Store's
// transaction copies; with none registered a statement costs one atomic load.
type queryObservers struct {
	mu   sync.Mutex
	fns  map[int]func(ctx context.Context, sql string)
	next int
	list atomic.Pointer[[]func(ctx context.Context, sql string)]
}

func (o *queryObservers) publish() {
	l := make([]func(context.Context, string), 0, len(o.fns))
	for _, f := range o.fns {
		l = append(l, f)
	}
	o.list.Store(&l)
}

// register installs the after-callbacks of every kind of statement.
func (o *queryObservers) register(db *gorm.DB) error {
	after := func(db *gorm.DB) {
		l := o.list.Load()
		if l == nil || len(*l) == 0 {
			return
		}
		sql := db.Statement.SQL.String()
		for _, f := range *l {
			f(db.Statement.Context, sql)
		}
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("plaza:observe_query", after),
		cb.Row().After("gorm:row").Register("plaza:observe_row", after),
		cb.Raw().After("gorm:raw").Register("plaza:observe_raw", after),
		cb.Create().After("gorm:create").Register("plaza:observe_create", after),
		cb.Update().After("gorm:update").Register("plaza:observe_update", after),
		cb.Delete().After("gorm:delete").Register("plaza:observe_delete", after),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// ObserveQueries calls f with the context and SQL of every statement this
// Store (and every transaction on it) runs from now on, until the returned
// function is called. f may be called from several goroutines at once.
func (s *Store) ObserveQueries(f func(ctx context.Context, sql string)) (stop func()) {
	o := s.observers
	o.mu.Lock()
	id := o.next
	o.next++
	o.fns[id] = f
	o.publish()
	o.mu.Unlock()
	return func() {
		o.mu.Lock()
		delete(o.fns, id)
		o.publish()
		o.mu.Unlock()
	}
}
