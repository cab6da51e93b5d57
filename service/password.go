package service

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: 19 MiB of memory, two passes, one lane, the minimum that
// OWASP's Password Storage Cheat Sheet recommends for Argon2id. The parameters are
// stored in each hash, so raising them later keeps old hashes valid.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// HashPassword returns an Argon2id hash of password in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads,
		argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB,
		argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// passwordChecks counts CheckPassword calls, so that tests can confirm that every
// sign-in attempt does the same Argon2id work.
var passwordChecks atomic.Int64

// CheckPassword reports whether password matches hash, in time that does not depend on
// where the two differ.
func CheckPassword(hash, password string) (bool, error) {
	passwordChecks.Add(1)
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("password hash is not in the argon2id format")
	}
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false, fmt.Errorf("reading password hash parameters: %w", err)
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("reading password hash salt: %w", err)
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("reading password hash key: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when an email address has no account, or its account
// is inactive or has no password, so that such a sign-in takes as long as one with a
// wrong password. It has the parameters of new hashes.
var dummyHash, _ = HashPassword("phoenix-no-such-account")
