package phoenix

import (
	"sync"
	"time"
)

// AuditEvent records who did what to which object. Audit events are only ever
// appended.
type AuditEvent struct {
	ID      int64
	At      time.Time
	ActorID int64
	Action  string
	// Object is the kind of object, such as "case", and ObjectID its ID.
	Object   string
	ObjectID int64
	ClientID int64
	CaseID   int64
	IP       string
	Detail   string
}

// Clock returns the current instant. Production uses the system clock; demos and tests
// use a clock set to a chosen instant that then runs forward.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the system time.
func (SystemClock) Now() time.Time { return time.Now() }

// SetClock runs forward at the real clock's pace from an instant that can be set, and
// set again. Demos and training start it at a chosen instant; tests move it on to make
// timers fire.
type SetClock struct {
	mu     sync.Mutex
	offset time.Duration
}

// NewSetClock returns a clock that reads start now.
func NewSetClock(start time.Time) *SetClock {
	c := &SetClock{}
	c.Set(start)
	return c
}

// Set makes the clock read t now.
func (c *SetClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
}

// Advance moves the clock on by d.
func (c *SetClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Now returns the set time plus the real time elapsed since.
func (c *SetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}
