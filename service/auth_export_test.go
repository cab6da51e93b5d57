package service

// PasswordChecks returns how many times CheckPassword has run in this test binary.
func PasswordChecks() int64 { return passwordChecks.Load() }

// DummyHash is the hash that sign-ins without a usable account check against.
var DummyHash = dummyHash
