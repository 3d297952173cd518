package bolt

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// Values of schema 2 are a compact binary record instead of JSON: a
// version byte, then the fields in a fixed order, each written as
//
//	uvarint  unsigned integers, lengths, enums
//	varint   signed integers (zig-zag)
//	str      uvarint length, then the bytes
//	time     uvarint 0 for the zero time, else uvarint(1 + zig-zag Unix
//	         second) then uvarint nanosecond; the zone is dropped (UTC)
//	f64      8 bytes, IEEE 754 big-endian
//
// Field names are not stored, so a value is about the size of its data.
// A record type appends new fields at its end only; a decoder that meets
// the end of the value early leaves the remaining fields zero, so an older
// record still reads.

// codecV1 is the first byte of every schema-2 binary value. JSON values
// (schema 1) start with '{', so the two never mix up.
const codecV1 = 0x01

// errCorrupt is wrapped by every decode failure.
var errCorrupt = errors.New("value truncated or corrupt")

// enc builds one value.
type enc struct{ b []byte }

func newEnc(size int) *enc { return &enc{b: append(make([]byte, 0, size), codecV1)} }

func (e *enc) uvar(n uint64) { e.b = binary.AppendUvarint(e.b, n) }
func (e *enc) svar(n int64)  { e.b = binary.AppendVarint(e.b, n) }
func (e *enc) str(s string)  { e.uvar(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) f64(f float64) { e.b = binary.BigEndian.AppendUint64(e.b, math.Float64bits(f)) }

func (e *enc) boolean(v bool) {
	if v {
		e.uvar(1)
	} else {
		e.uvar(0)
	}
}

func (e *enc) time(t time.Time) {
	if t.IsZero() {
		e.uvar(0)
		return
	}
	sec := t.Unix()
	e.uvar(1 + uint64(sec<<1^(sec>>63)))
	e.uvar(uint64(t.Nanosecond()))
}

func (e *enc) strs(list []string) {
	e.uvar(uint64(len(list)))
	for _, s := range list {
		e.str(s)
	}
}

// dec reads one value; the first error sticks and later reads return
// zero values, so a decoder checks err once at the end.
type dec struct {
	b   []byte
	err error
}

// newDec checks the version byte.
func newDec(v []byte) *dec {
	if len(v) == 0 || v[0] != codecV1 {
		return &dec{err: errCorrupt}
	}
	return &dec{b: v[1:]}
}

func (d *dec) fail() { d.err, d.b = errCorrupt, nil }

// more reports whether fields are left: a value written before a field
// was added ends early.
func (d *dec) more() bool { return d.err == nil && len(d.b) > 0 }

func (d *dec) uvar() uint64 {
	if d.err != nil || len(d.b) == 0 {
		return 0
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *dec) svar() int64 {
	if d.err != nil || len(d.b) == 0 {
		return 0
	}
	n, k := binary.Varint(d.b)
	if k <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *dec) str() string {
	n := d.uvar()
	if d.err != nil || n == 0 {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *dec) f64() float64 {
	if d.err != nil || len(d.b) == 0 {
		return 0
	}
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	f := math.Float64frombits(binary.BigEndian.Uint64(d.b))
	d.b = d.b[8:]
	return f
}

func (d *dec) boolean() bool { return d.uvar() != 0 }

func (d *dec) time() time.Time {
	z := d.uvar()
	if z == 0 {
		return time.Time{}
	}
	z--
	sec := int64(z>>1) ^ -int64(z&1)
	nsec := d.uvar()
	if nsec >= 1e9 {
		d.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (d *dec) strs() []string {
	n := d.uvar()
	if d.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(d.b)) { // every string takes at least one byte
		d.fail()
		return nil
	}
	list := make([]string, n)
	for i := range list {
		list[i] = d.str()
	}
	return list
}

// enum maps the few values of a string field to small numbers; a value
// not in the list is written as its index past the list followed by the
// string itself, so no value is ever lost.
type enum []string

func (m enum) put(e *enc, s string) {
	for i, v := range m {
		if v == s {
			e.uvar(uint64(i))
			return
		}
	}
	e.uvar(uint64(len(m)))
	e.str(s)
}

func (m enum) get(d *dec) string {
	i := d.uvar()
	if i < uint64(len(m)) {
		return m[i]
	}
	if i == uint64(len(m)) {
		return d.str()
	}
	d.fail()
	return ""
}
