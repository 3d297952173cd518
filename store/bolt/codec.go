package bolt

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
	"unicode/utf8"
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

// Text (message bodies, names) is written packed: Persian script in UTF-8
// takes two bytes a letter, so each rune of textRunes is written as one
// byte instead, which halves a Persian message. A packed string is
//
//	byte < 0x80         that ASCII byte
//	0x80 + i            textRunes[i]
//	textRaw, b          the byte b of a string that is not valid UTF-8
//	textRune, UTF-8     any other rune, as its UTF-8 bytes
//
// so every string, valid UTF-8 or not, reads back byte for byte.
const (
	textRaw  = 0xFE
	textRune = 0xFF
)

// textRunes are the Persian and Arabic letters, digits, marks and
// punctuation most common in followers' messages. Append only: the
// index is the stored byte.
var textRunes = func() []rune {
	var rs []rune
	rs = append(rs, '\u060C', '\u061B', '\u061F') // ، ؛ ؟
	for r := '\u0621'; r <= '\u063A'; r++ {       // hamza .. ghain
		rs = append(rs, r)
	}
	for r := '\u0640'; r <= '\u0652'; r++ { // tatweel, feh .. yeh, harakat
		rs = append(rs, r)
	}
	rs = append(rs, '\u0654', '\u0670', '\u067E', '\u0686', '\u0698', '\u06A9', '\u06AF', '\u06C0', '\u06CC') // پ چ ژ ک گ ۀ ی
	for r := '\u06F0'; r <= '\u06F9'; r++ {                                                                   // Persian digits
		rs = append(rs, r)
	}
	for r := '\u0660'; r <= '\u0669'; r++ { // Arabic-Indic digits
		rs = append(rs, r)
	}
	rs = append(rs, '\u200C', '\u200D', '\u00AB', '\u00BB', '\u2026', '\u2013', '\u2014',
		'\u2018', '\u2019', '\u201C', '\u201D', '\u00A0', '\u00D7')
	if len(rs) > textRaw-0x80 {
		panic("bolt: textRunes too long")
	}
	return rs
}()

// textIndex maps a rune below textIndexLen to its packed byte, 0 when it
// has none: an array, since text is packed inside the transaction.
const textIndexLen = 0x2030

var textIndex = func() *[textIndexLen]byte {
	var m [textIndexLen]byte
	for i, r := range textRunes {
		if r >= textIndexLen {
			panic("bolt: textRunes beyond textIndexLen")
		}
		m[r] = byte(0x80 + i)
	}
	return &m
}()

// text writes s packed, after its packed length.
func (e *enc) text(s string) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		e.str(s)
		return
	}
	packed := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			packed = append(packed, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var b byte
		if r < textIndexLen {
			b = textIndex[r]
		}
		switch {
		case r == utf8.RuneError && size == 1:
			packed = append(packed, textRaw, c)
		case b != 0:
			packed = append(packed, b)
		default:
			packed = append(append(packed, textRune), s[i:i+size]...)
		}
		i += size
	}
	e.uvar(uint64(len(packed)))
	e.b = append(e.b, packed...)
}

func (d *dec) text() string {
	n := d.uvar()
	if d.err != nil || n == 0 {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	p := d.b[:n]
	d.b = d.b[n:]
	ascii := true
	for _, c := range p {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(p)
	}
	out := make([]byte, 0, 2*len(p))
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c < 0x80:
			out = append(out, c)
			i++
		case c == textRaw || c == textRune:
			if i+1 >= len(p) {
				d.fail()
				return ""
			}
			if c == textRaw {
				out = append(out, p[i+1])
				i += 2
				continue
			}
			r, size := utf8.DecodeRune(p[i+1:])
			if r == utf8.RuneError && size <= 1 {
				d.fail()
				return ""
			}
			out = append(out, p[i+1:i+1+size]...)
			i += 1 + size
		case int(c-0x80) < len(textRunes):
			out = utf8.AppendRune(out, textRunes[c-0x80])
			i++
		default:
			d.fail()
			return ""
		}
	}
	return string(out)
}
