package bolt

import (
	"encoding/json"
	"fmt"

	"engagebot/bot"
)

// Crisis alerts are stored by id in "alerts" (JSON values). There are few
// (one per episode), so listings scan the bucket and filter. The bucket
// is made on the first alert.

var bucketAlerts = []byte("alerts")

// AddAlert assigns a.ID and stores the alert.
func (t *Tx) AddAlert(a *bot.Alert) error {
	if err := t.writable("add alert"); err != nil {
		return err
	}
	if a.Platform == "" {
		return invalid("alert: platform required")
	}
	b, err := t.tx.CreateBucketIfNotExists(bucketAlerts)
	if err != nil {
		return fmt.Errorf("bolt: add alert: %w", err)
	}
	id, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("bolt: add alert: %w", err)
	}
	a.ID = id
	if err := putJSON(b, u64(id), a); err != nil {
		return fmt.Errorf("bolt: add alert: %w", err)
	}
	return nil
}

// PutAlert stores a changed alert; it must exist.
func (t *Tx) PutAlert(a *bot.Alert) error {
	if err := t.writable("put alert"); err != nil {
		return err
	}
	b := t.tx.Bucket(bucketAlerts)
	if b == nil || b.Get(u64(a.ID)) == nil {
		return notFound("alert %d not found", a.ID)
	}
	if err := putJSON(b, u64(a.ID), a); err != nil {
		return fmt.Errorf("bolt: put alert %d: %w", a.ID, err)
	}
	return nil
}

// Alerts lists alerts by id with ID > filter.After.
func (t *Tx) Alerts(filter bot.AlertFilter) ([]*bot.Alert, error) {
	b := t.tx.Bucket(bucketAlerts)
	if b == nil {
		return nil, nil
	}
	var after []byte
	if filter.After > 0 {
		after = u64(filter.After)
	}
	var list []*bot.Alert
	err := scan(b, nil, after, func(_, v []byte) (bool, error) {
		var a bot.Alert
		if err := json.Unmarshal(v, &a); err != nil {
			return false, err
		}
		if (filter.Platform == "" || a.Platform == filter.Platform) && (filter.Status == "" || a.Status == filter.Status) {
			list = append(list, &a)
		}
		return !full(filter.Limit, len(list)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: alerts: %w", err)
	}
	return list, nil
}
