package password_test

import (
	"errors"
	"strings"
	"testing"

	"engagebot/password"
)

// cheap keeps the tests fast; the format and checks are the same.
var cheap = password.Params{Memory: 1024, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	h := password.New(cheap)
	hash, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") || strings.Contains(hash, "correct horse") {
		t.Fatalf("hash %q: want a PHC argon2id string without the password", hash)
	}
	again, _ := h.Hash("correct horse battery")
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for i, tc := range []struct {
		pw   string
		want bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
		{"correct horse battery ", false},
	} {
		ok, err := h.Verify(hash, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("%d: Verify(%q) = %v, %v; want %v", i, tc.pw, ok, err, tc.want)
		}
	}
	// A hash made with other parameters still verifies: they travel with it.
	ok, err := password.New(password.Params{Memory: 2048, Time: 2, Threads: 1}).Verify(hash, "correct horse battery")
	if err != nil || !ok {
		t.Errorf("Verify with other hasher parameters = %v, %v; want true", ok, err)
	}
}

func TestVerify_Malformed(t *testing.T) {
	h := password.New(cheap)
	good, _ := h.Hash("correct horse battery")
	parts := strings.Split(good, "$")
	for i, hash := range []string{
		"",
		"plain",
		"$2a$10$bcryptstylehashxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"$argon2i$v=19$m=1024,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=16$m=1024,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=4294967295,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=1024,t=0,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=1024,t=1,p=1$!!!$" + parts[5],
		"$argon2id$v=19$m=1024,t=1,p=1$" + parts[4] + "$",
	} {
		ok, err := h.Verify(hash, "correct horse battery")
		if ok || !errors.Is(err, password.ErrMalformed) {
			t.Errorf("%d: Verify(%q) = %v, %v; want ErrMalformed", i, hash, ok, err)
		}
	}
}

func BenchmarkVerifyDefault(b *testing.B) {
	h := password.New(password.Default)
	hash, _ := h.Hash("correct horse battery")
	for b.Loop() {
		h.Verify(hash, "correct horse battery")
	}
}
