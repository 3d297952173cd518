// Package password is the service's bot.PasswordHasher: argon2id, the
// memory-hard hash RFC 9106 recommends, from golang.org/x/crypto. It is
// the one package that imports that module.
//
// A hash is written in the PHC string format the reference
// implementation uses, so its parameters travel with it and can be
// raised later without breaking hashes already stored:
//
//	$argon2id$v=19$m=65536,t=1,p=2$<salt>$<key>   (base64, no padding)
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"engagebot/bot"
)

// Params are argon2id's costs.
type Params struct {
	// Memory is in KiB.
	Memory  uint32
	Time    uint32
	Threads uint8
}

// Default is RFC 9106's second recommended option with fewer passes over
// less memory, sized for a small server: one check costs about 64 MiB and
// a few tens of milliseconds on two cores. Sign-in throttling in web keeps
// a flood of guesses from stacking these up.
var Default = Params{Memory: 64 * 1024, Time: 1, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
	// maxMemory bounds what a stored hash may ask for, so a corrupt or
	// planted hash cannot make one check take the machine's memory.
	maxMemory = 1 << 20 // 1 GiB
)

// Hasher hashes with its Params and verifies hashes of any parameters.
type Hasher struct{ p Params }

// New returns a hasher with p; zero fields take Default's.
func New(p Params) *Hasher {
	if p.Memory == 0 {
		p.Memory = Default.Memory
	}
	if p.Time == 0 {
		p.Time = Default.Time
	}
	if p.Threads == 0 {
		p.Threads = Default.Threads
	}
	return &Hasher{p: p}
}

// Hash returns the PHC string of password with a new random salt.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.Memory, h.p.Threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, h.p.Memory, h.p.Time, h.p.Threads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// ErrMalformed is returned by Verify for a hash it cannot read.
var ErrMalformed = errors.New("password: malformed argon2id hash")

// Verify reports whether password matches hash, in time that does not
// depend on where they differ.
func (h *Hasher) Verify(hash, password string) (bool, error) {
	p, salt, key, err := parse(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func parse(hash string) (Params, []byte, []byte, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, fmt.Errorf("%w: version %q", ErrMalformed, parts[2])
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, fmt.Errorf("%w: parameters %q", ErrMalformed, parts[3])
	}
	if p.Memory == 0 || p.Memory > maxMemory || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return Params{}, nil, nil, fmt.Errorf("%w: parameters %q out of range", ErrMalformed, parts[3])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return Params{}, nil, nil, fmt.Errorf("%w: salt", ErrMalformed)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return Params{}, nil, nil, fmt.Errorf("%w: key", ErrMalformed)
	}
	return p, salt, key, nil
}

// Interface guard.
var _ bot.PasswordHasher = (*Hasher)(nil)
