// Package store keeps orders.
package store

import "sync"

// Store holds orders in memory.
type Store struct {
	mu     sync.Mutex
	orders map[int64]int64
}

// Put records an order's total.
func (s *Store) Put(id, total int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orders == nil {
		s.orders = map[int64]int64{}
	}
	s.orders[id] = total
}
