package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/store"
)

// throttleRule slows down, then refuses, sign-in attempts after repeated failures for
// one subject. Failures count from the first one in a window; a lock that ends, or a
// window that passes, starts the count again.
type throttleRule struct {
	// name identifies the rule. scope is the sign_in_throttle scope of its rows.
	name, scope string
	window      time.Duration
	// slowAfter is the failure count from which each attempt must wait delay after the
	// one before. The wait doubles with each further failure, up to maxDelay.
	slowAfter int
	delay     time.Duration
	maxDelay  time.Duration
	// lockAfter failures refuse every attempt for lockFor.
	lockAfter int
	lockFor   time.Duration
	// clearOnSignIn deletes the count when a sign-in completes.
	clearOnSignIn bool
}

// The sign-in throttle. For one email address, whether or not it has an account: after
// 3 failures within 15 minutes the next attempt waits 15 seconds, then 30, and the 5th
// failure refuses sign-in for 15 minutes. The same holds for one email address from
// one client address. For one client address: after 10 failures the wait starts at 2
// seconds, doubling up to a minute, and the 20th failure refuses sign-in from that
// address for 15 minutes. signInKeys chooses which rules apply; docs/accounts.md gives
// the reasons.
var (
	accountRule = throttleRule{name: "account", scope: "account", window: 15 * time.Minute,
		slowAfter: 3, delay: 15 * time.Second, maxDelay: time.Minute, lockAfter: 5,
		lockFor: 15 * time.Minute, clearOnSignIn: true}
	pairRule = throttleRule{name: "pair", scope: "address", window: 15 * time.Minute,
		slowAfter: 3, delay: 15 * time.Second, maxDelay: time.Minute, lockAfter: 5,
		lockFor: 15 * time.Minute, clearOnSignIn: true}
	addressRule = throttleRule{name: "address", scope: "address", window: 15 * time.Minute,
		slowAfter: 10, delay: 2 * time.Second, maxDelay: time.Minute, lockAfter: 20,
		lockFor: 15 * time.Minute}
)

// knownAddressAge is how long a completed sign-in makes its client address known for
// the account.
const knownAddressAge = 90 * 24 * time.Hour

// throttlePurgeAge is how long a failure count is kept after its window began.
const throttlePurgeAge = 24 * time.Hour

// wait returns how long the attempt after the given number of failures must wait.
func (r throttleRule) wait(failures int) time.Duration {
	if failures < r.slowAfter {
		return 0
	}
	d := r.delay
	for i := r.slowAfter; i < failures && d < r.maxDelay; i++ {
		d *= 2
	}
	return min(d, r.maxDelay)
}

// restart clears a count whose lock has ended or whose window has passed.
func (r throttleRule) restart(t *store.Throttle, now time.Time) {
	if t.LockedUntil != nil {
		if !now.Before(*t.LockedUntil) {
			t.Failures, t.WindowStart, t.LockedUntil = 0, now, nil
		}
		return
	}
	if t.Failures == 0 || !now.Before(t.WindowStart.Add(r.window)) {
		t.Failures, t.WindowStart = 0, now
	}
}

// waitUntil returns when the subject may try again, and whether it must wait.
func (r throttleRule) waitUntil(t store.Throttle, now time.Time) (time.Time, bool) {
	if t.LockedUntil != nil && now.Before(*t.LockedUntil) {
		return *t.LockedUntil, true
	}
	if w := r.wait(t.Failures); w > 0 && t.LastAttemptAt != nil {
		next := t.LastAttemptAt.Add(w)
		return next, now.Before(next)
	}
	return time.Time{}, false
}

// throttleKey is one subject of the throttle. A count-only key records failures but
// never makes the attempt wait.
type throttleKey struct {
	rule      throttleRule
	subject   string
	countOnly bool
}

// signInKeys returns the subjects of a sign-in attempt for an email address from a
// client address. userID is the email address's account, or 0 when it has none.
//
// A client address is known when the account completed a sign-in from it within
// knownAddressAge. From a known address, the email address's and the client address's
// keys are count-only, and the pair of the two addresses can make the attempt wait
// instead. So failures from elsewhere, or for other accounts, cannot lock the person
// out where they usually sign in.
//
// The keys come in a fixed order (email address, pair, client address), so that
// concurrent attempts lock their rows in the same order.
func (s *Service) signInKeys(ctx context.Context, userID int64, email, ip string) ([]throttleKey, error) {
	// The query runs for unknown addresses too (user ID 0), so that it costs the same.
	known, err := s.db.Conn().SignedInFrom(ctx, userID, ip, s.clock.Now().Add(-knownAddressAge))
	if err != nil {
		return nil, err
	}
	if !known {
		return []throttleKey{{rule: accountRule, subject: email},
			{rule: addressRule, subject: ip}}, nil
	}
	return []throttleKey{
		{rule: accountRule, subject: email, countOnly: true},
		{rule: pairRule, subject: pairSubject(email, ip)},
		{rule: addressRule, subject: ip, countOnly: true},
	}, nil
}

// pairSubject returns the subject of an email address from one client address, which
// is stored in the client address scope. A client address contains no space, so the
// subject cannot equal a client address's. Because the address comes first, a typed
// email address cannot name another client address's pair.
func pairSubject(email, ip string) string {
	return ip + " " + email
}

// RetryError is a refusal that ends at RetryAt. It wraps a *phoenix.Error, so
// phoenix.ErrorCode and phoenix.ErrorMessage read it as usual.
type RetryError struct {
	Err     *phoenix.Error
	RetryAt time.Time
}

func (e *RetryError) Error() string { return e.Err.Error() }

// Unwrap returns the error shown to the user.
func (e *RetryError) Unwrap() error { return e.Err }

// admit counts an attempt as a failure before its password or code is checked, and
// rejects it while a subject must wait, unless that key only counts. Because it counts
// first, many attempts sent at once cannot all be checked before the first failure is
// recorded. A successful attempt takes its count back (see release). A rejected
// attempt counts nothing, since its transaction rolls back.
func (s *Service) admit(ctx context.Context, keys []throttleKey) error {
	now := s.clock.Now()
	var retryAt time.Time
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		for _, k := range keys {
			t, err := c.LockThrottle(ctx, k.rule.scope, k.subject, now)
			if err != nil {
				return err
			}
			k.rule.restart(&t, now)
			if until, mustWait := k.rule.waitUntil(t, now); mustWait && !k.countOnly {
				retryAt = laterOf(retryAt, until)
				continue
			}
			t.Failures++
			t.LastAttemptAt = &now
			if err := c.SaveThrottle(ctx, t); err != nil {
				return err
			}
		}
		if !retryAt.IsZero() {
			return tooMany(retryAt, now)
		}
		return nil
	})
	return err
}

// release takes back the count of an attempt that succeeded. A completed sign-in
// clears the email address's failures, unless that key only counted: a sign-in from a
// known client address leaves a lock that failures elsewhere set. A correct password
// that still needs a two-factor code clears nothing, so that guessing codes stays
// throttled.
func (s *Service) release(ctx context.Context, keys []throttleKey, signedIn bool) error {
	return s.db.InTx(ctx, func(c *store.Conn) error {
		for _, k := range keys {
			if signedIn && k.rule.clearOnSignIn && !k.countOnly {
				if err := c.DeleteThrottle(ctx, k.rule.scope, k.subject); err != nil {
					return err
				}
				continue
			}
			t, err := c.LockThrottle(ctx, k.rule.scope, k.subject, s.clock.Now())
			if err != nil {
				return err
			}
			t.Failures = max(t.Failures-1, 0)
			if err := c.SaveThrottle(ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// failAttempt records a failed attempt, already counted by admit. It appends the
// sign_in_failed audit event and locks each subject that reached its limit, count-only
// ones too, since their locks apply to other attempts. It returns base, or when the
// next attempt must wait for a key that is not count-only, an error that states how
// long.
func (s *Service) failAttempt(ctx context.Context, keys []throttleKey, userID int64, ip,
	detail string, base *phoenix.Error) error {
	now := s.clock.Now()
	var locked, next time.Time
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		err := c.AddAudit(ctx, phoenix.AuditEvent{At: now, ActorID: userID,
			Action: "sign_in_failed", Object: "user", ObjectID: userID, IP: ip, Detail: detail})
		if err != nil {
			return err
		}
		for _, k := range keys {
			t, err := c.LockThrottle(ctx, k.rule.scope, k.subject, now)
			if err != nil {
				return err
			}
			if t.Failures >= k.rule.lockAfter && t.LockedUntil == nil {
				until := now.Add(k.rule.lockFor)
				t.LockedUntil = &until
				if err := s.auditLock(ctx, c, k, t, userID, ip); err != nil {
					return err
				}
				if err := c.SaveThrottle(ctx, t); err != nil {
					return err
				}
			}
			if k.countOnly {
				continue
			}
			if t.LockedUntil != nil {
				locked = laterOf(locked, *t.LockedUntil)
			} else if w := k.rule.wait(t.Failures); w > 0 {
				next = laterOf(next, now.Add(w))
			}
		}
		return c.PurgeThrottle(ctx, now.Add(-throttlePurgeAge))
	})
	switch {
	case err != nil:
		return err
	case !locked.IsZero():
		return tooMany(locked, now)
	case !next.IsZero():
		msg := fmt.Sprintf("%s To protect the account, wait %s before the next attempt.",
			base.Message, waitText(next.Sub(now)))
		return &RetryError{Err: &phoenix.Error{Code: base.Code, Message: msg}, RetryAt: next}
	}
	return base
}

func (s *Service) auditLock(ctx context.Context, c *store.Conn, k throttleKey, t store.Throttle,
	userID int64, ip string) error {
	what := "email address " + k.subject
	switch k.rule.name {
	case pairRule.name:
		what = fmt.Sprintf("email address %s from client address %s",
			strings.TrimPrefix(k.subject, ip+" "), ip)
	case addressRule.name:
		what, userID = "client address "+k.subject, 0
	}
	detail := fmt.Sprintf("sign-in for %s refused until %s after %d failed attempts",
		what, t.LockedUntil.UTC().Format(time.RFC3339), t.Failures)
	return c.AddAudit(ctx, phoenix.AuditEvent{At: s.clock.Now(), ActorID: userID,
		Action: "sign_in_locked", Object: "user", ObjectID: userID, IP: ip, Detail: detail})
}

// tooMany is the refusal of an attempt that must wait until retryAt.
func tooMany(retryAt, now time.Time) *RetryError {
	msg := fmt.Sprintf("Too many failed sign-in attempts. Try again in %s.",
		waitText(retryAt.Sub(now)))
	return &RetryError{Err: phoenix.Errorf(phoenix.ETOOMANY, "%s", msg), RetryAt: retryAt}
}

// waitText writes a wait in whole seconds up to 90 seconds and in whole minutes
// beyond. It rounds up, so an attempt after the stated wait is not rejected for it.
func waitText(d time.Duration) string {
	if d <= 90*time.Second {
		n := int((d + time.Second - 1) / time.Second)
		if n <= 1 {
			return "1 second"
		}
		return fmt.Sprintf("%d seconds", n)
	}
	return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
