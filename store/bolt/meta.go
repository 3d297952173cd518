package bolt

import (
	"fmt"

	"engagebot/bot"
)

// Meta reads a named value from the meta bucket.
func (t *Tx) Meta(key string) (string, error) {
	if key == "" {
		return "", notFound("meta with empty key not found")
	}
	v := t.bucket(bucketMeta).Get([]byte(key))
	if v == nil {
		return "", notFound("meta %q not found", key)
	}
	return string(v), nil
}

// PutMeta writes a named value. The schema version is read-only: only
// Open and its migrations change it.
func (t *Tx) PutMeta(key, value string) error {
	if err := t.writable("put meta"); err != nil {
		return err
	}
	switch key {
	case "":
		return invalid("meta: key required")
	case schemaKey:
		return bot.Errorf(bot.EFORBIDDEN, "meta: %s is managed by the store", schemaKey)
	}
	if err := t.bucket(bucketMeta).Put([]byte(key), []byte(value)); err != nil {
		return fmt.Errorf("bolt: put meta %q: %w", key, err)
	}
	return nil
}
