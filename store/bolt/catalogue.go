package bolt

import (
	"encoding/json"
	"fmt"

	"engagebot/bot"
)

// The content catalogue is stored by item id in "catalogue" (JSON values).
// The bucket is made on the first item, so a file of an older build needs
// no migration for it. A few hundred items are expected: listings walk it.

var bucketCatalogue = []byte("catalogue")

// CatalogueItem returns an item by id.
func (t *Tx) CatalogueItem(id string) (*bot.CatalogueItem, error) {
	b := t.tx.Bucket(bucketCatalogue)
	if b == nil {
		return nil, notFound("catalogue item %q not found", id)
	}
	var c bot.CatalogueItem
	ok, err := getJSON(b, []byte(id), &c)
	switch {
	case err != nil:
		return nil, fmt.Errorf("bolt: catalogue item %q: %w", id, err)
	case !ok:
		return nil, notFound("catalogue item %q not found", id)
	}
	return &c, nil
}

// PutCatalogueItem adds or replaces an item by id.
func (t *Tx) PutCatalogueItem(c *bot.CatalogueItem) error {
	if err := t.writable("put catalogue item"); err != nil {
		return err
	}
	if c.ID == "" {
		return invalid("catalogue item without an id")
	}
	b, err := t.tx.CreateBucketIfNotExists(bucketCatalogue)
	if err != nil {
		return fmt.Errorf("bolt: put catalogue item: %w", err)
	}
	if err := putJSON(b, []byte(c.ID), c); err != nil {
		return fmt.Errorf("bolt: put catalogue item %q: %w", c.ID, err)
	}
	return nil
}

// DeleteCatalogueItem removes an item.
func (t *Tx) DeleteCatalogueItem(id string) error {
	if err := t.writable("delete catalogue item"); err != nil {
		return err
	}
	b := t.tx.Bucket(bucketCatalogue)
	if b == nil || b.Get([]byte(id)) == nil {
		return notFound("catalogue item %q not found", id)
	}
	if err := b.Delete([]byte(id)); err != nil {
		return fmt.Errorf("bolt: delete catalogue item %q: %w", id, err)
	}
	return nil
}

// CatalogueItems lists items by id after filter.After.
func (t *Tx) CatalogueItems(f bot.CatalogueFilter) ([]*bot.CatalogueItem, error) {
	b := t.tx.Bucket(bucketCatalogue)
	if b == nil {
		return nil, nil
	}
	var after []byte
	if f.After != "" {
		after = []byte(f.After)
	}
	var out []*bot.CatalogueItem
	err := scan(b, nil, after, func(k, v []byte) (bool, error) {
		var c bot.CatalogueItem
		if err := json.Unmarshal(v, &c); err != nil {
			return false, fmt.Errorf("decode %q: %w", k, err)
		}
		if f.Kind == "" || c.Kind == f.Kind {
			out = append(out, &c)
		}
		return !full(f.Limit, len(out)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: catalogue: %w", err)
	}
	return out, nil
}
