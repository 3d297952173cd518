package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"engagebot/bot"
)

// Campaigns are JSON by id in "campaigns"; each recipient is a JSON value
// in "campaign_recipients" under u64(campaign) fkey, and pending ones are
// listed by when they are due in "campaign_due" (u64(campaign) time(due)
// fkey), so the runner takes the next ones in one range scan however many
// wait for their window. "campaign_polls" maps a native poll's platform id
// to its campaign, and "campaign_last" a follower to the campaign that
// last reached them (u64 id, then time), which replies and typed survey
// answers are counted against.

var (
	bucketCampaigns    = []byte("campaigns")
	bucketRecipients   = []byte("campaign_recipients")
	bucketCampaignDue  = []byte("campaign_due")
	bucketCampaignPoll = []byte("campaign_polls")
	bucketCampaignLast = []byte("campaign_last")
)

// campaignID reads an id into its number; false for one the store cannot
// have assigned.
func campaignID(id string) (uint64, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	return n, err == nil && n != 0 && strconv.FormatUint(n, 10) == id
}

// AddCampaign assigns c.ID and stores it.
func (t *Tx) AddCampaign(c *bot.Campaign) error {
	b, err := t.writeBucket("add campaign", bucketCampaigns)
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("bolt: add campaign: %w", err)
	}
	c.ID = strconv.FormatUint(seq, 10)
	if err := putJSON(b, u64(seq), c); err != nil {
		return fmt.Errorf("bolt: add campaign: %w", err)
	}
	return nil
}

// Campaign returns a campaign by id.
func (t *Tx) Campaign(id string) (*bot.Campaign, error) {
	n, ok := campaignID(id)
	b := t.bucket(bucketCampaigns)
	if !ok || b == nil {
		return nil, notFound("campaign %q not found", id)
	}
	var c bot.Campaign
	found, err := getJSON(b, u64(n), &c)
	switch {
	case err != nil:
		return nil, fmt.Errorf("bolt: campaign %s: %w", id, err)
	case !found:
		return nil, notFound("campaign %q not found", id)
	}
	return &c, nil
}

// PutCampaign stores a changed campaign; it must exist.
func (t *Tx) PutCampaign(c *bot.Campaign) error {
	if err := t.writable("put campaign"); err != nil {
		return err
	}
	n, ok := campaignID(c.ID)
	b := t.bucket(bucketCampaigns)
	if !ok || b == nil || b.Get(u64(n)) == nil {
		return notFound("campaign %q not found", c.ID)
	}
	if err := putJSON(b, u64(n), c); err != nil {
		return fmt.Errorf("bolt: put campaign %s: %w", c.ID, err)
	}
	return nil
}

// Campaigns lists every campaign by id.
func (t *Tx) Campaigns() ([]*bot.Campaign, error) {
	b := t.bucket(bucketCampaigns)
	if b == nil {
		return nil, nil
	}
	var out []*bot.Campaign
	err := b.ForEach(func(k, v []byte) error {
		var c bot.Campaign
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("bolt: campaign %x: %w", k, err)
		}
		out = append(out, &c)
		return nil
	})
	return out, err
}

func recipientKey(n uint64, f bot.FollowerKey) []byte {
	return append(u64(n), followerKey(f)...)
}

func recipientDueKey(n uint64, due time.Time, f bot.FollowerKey) []byte {
	return append(appendTime(u64(n), due), followerKey(f)...)
}

// PutRecipient stores a recipient and keeps the due index in step: a
// pending recipient is listed at its Due, any other is not listed.
func (t *Tx) PutRecipient(r *bot.Recipient) error {
	n, ok := campaignID(r.Campaign)
	if !ok {
		return bot.Errorf(bot.EINVALID, "recipient: bad campaign id %q", r.Campaign)
	}
	if err := validFollowerKey(r.Follower); err != nil {
		return err
	}
	b, err := t.writeBucket("put recipient", bucketRecipients)
	if err != nil {
		return err
	}
	due, err := t.writeBucket("put recipient", bucketCampaignDue)
	if err != nil {
		return err
	}
	k := recipientKey(n, r.Follower)
	var old bot.Recipient
	if found, err := getJSON(b, k, &old); err != nil {
		return fmt.Errorf("bolt: recipient: %w", err)
	} else if found && old.State == bot.RecipientPending {
		if err := due.Delete(recipientDueKey(n, old.Due, old.Follower)); err != nil {
			return fmt.Errorf("bolt: recipient: %w", err)
		}
	}
	if r.State == bot.RecipientPending {
		if err := due.Put(recipientDueKey(n, r.Due, r.Follower), nil); err != nil {
			return fmt.Errorf("bolt: recipient: %w", err)
		}
	}
	if err := putJSON(b, k, r); err != nil {
		return fmt.Errorf("bolt: recipient: %w", err)
	}
	return nil
}

// Recipient returns one recipient of a campaign.
func (t *Tx) Recipient(campaign string, f bot.FollowerKey) (*bot.Recipient, error) {
	n, ok := campaignID(campaign)
	b := t.bucket(bucketRecipients)
	if !ok || b == nil {
		return nil, notFound("no recipient %s in campaign %q", f, campaign)
	}
	var r bot.Recipient
	found, err := getJSON(b, recipientKey(n, f), &r)
	switch {
	case err != nil:
		return nil, fmt.Errorf("bolt: recipient: %w", err)
	case !found:
		return nil, notFound("no recipient %s in campaign %q", f, campaign)
	}
	return &r, nil
}

// Recipients lists a campaign's recipients after a follower key.
func (t *Tx) Recipients(campaign string, after bot.FollowerKey, limit int) ([]*bot.Recipient, error) {
	n, ok := campaignID(campaign)
	b := t.bucket(bucketRecipients)
	if !ok || b == nil {
		return nil, nil
	}
	prefix := u64(n)
	c := b.Cursor()
	k, v := c.Seek(prefix)
	if after != (bot.FollowerKey{}) {
		start := recipientKey(n, after)
		k, v = c.Seek(start)
		if bytes.Equal(k, start) {
			k, v = c.Next()
		}
	}
	var out []*bot.Recipient
	for ; k != nil && bytes.HasPrefix(k, prefix) && (limit <= 0 || len(out) < limit); k, v = c.Next() {
		var r bot.Recipient
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("bolt: recipient %x: %w", k, err)
		}
		out = append(out, &r)
	}
	return out, nil
}

// DueRecipients lists pending recipients due by until, earliest first.
func (t *Tx) DueRecipients(campaign string, until time.Time, limit int) ([]*bot.Recipient, error) {
	n, ok := campaignID(campaign)
	idx, b := t.bucket(bucketCampaignDue), t.bucket(bucketRecipients)
	if !ok || idx == nil || b == nil {
		return nil, nil
	}
	prefix := u64(n)
	end := appendTime(u64(n), until.Add(time.Nanosecond))
	c := idx.Cursor()
	var out []*bot.Recipient
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, end) < 0 && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
		fk := k[len(prefix)+timeLen:]
		var r bot.Recipient
		found, err := getJSON(b, append(u64(n), fk...), &r)
		if err != nil {
			return nil, fmt.Errorf("bolt: due recipient %x: %w", k, err)
		}
		if found {
			out = append(out, &r)
		}
	}
	return out, nil
}

func pollKey(platform, pollID string) []byte {
	return appendString(appendString(nil, platform), pollID)
}

// PutPollRef records the campaign of a native poll.
func (t *Tx) PutPollRef(platform, pollID, campaign string) error {
	b, err := t.writeBucket("put poll", bucketCampaignPoll)
	if err != nil {
		return err
	}
	return b.Put(pollKey(platform, pollID), []byte(campaign))
}

// PollRef reads the campaign of a native poll.
func (t *Tx) PollRef(platform, pollID string) (string, error) {
	if b := t.bucket(bucketCampaignPoll); b != nil {
		if v := b.Get(pollKey(platform, pollID)); v != nil {
			return string(v), nil
		}
	}
	return "", notFound("no campaign for poll %s/%s", platform, pollID)
}

// SetLastCampaign records the campaign that last reached a follower.
func (t *Tx) SetLastCampaign(f bot.FollowerKey, campaign string, at time.Time) error {
	n, ok := campaignID(campaign)
	if !ok {
		return bot.Errorf(bot.EINVALID, "last campaign: bad id %q", campaign)
	}
	b, err := t.writeBucket("set last campaign", bucketCampaignLast)
	if err != nil {
		return err
	}
	return b.Put(followerKey(f), appendTime(u64(n), at))
}

// LastCampaign reads the campaign that last reached a follower.
func (t *Tx) LastCampaign(f bot.FollowerKey) (string, time.Time, error) {
	b := t.bucket(bucketCampaignLast)
	if b == nil {
		return "", time.Time{}, nil
	}
	v := b.Get(followerKey(f))
	if len(v) < 8+timeLen {
		return "", time.Time{}, nil
	}
	return strconv.FormatUint(binary.BigEndian.Uint64(v), 10), readTime(v[8:]), nil
}

// deleteFollowerCampaigns erases a follower from every campaign: their
// recipient records (answers included) and the last-campaign entry. The
// campaigns' counts stay: they are aggregates.
func (t *Tx) deleteFollowerCampaigns(f bot.FollowerKey) error {
	if b := t.bucket(bucketCampaignLast); b != nil {
		if err := b.Delete(followerKey(f)); err != nil {
			return err
		}
	}
	cb, rb := t.bucket(bucketCampaigns), t.bucket(bucketRecipients)
	if cb == nil || rb == nil {
		return nil
	}
	due := t.bucket(bucketCampaignDue)
	return cb.ForEach(func(k, _ []byte) error {
		rk := append(bytes.Clone(k), followerKey(f)...)
		var r bot.Recipient
		found, err := getJSON(rb, rk, &r)
		if err != nil || !found {
			return err
		}
		if r.State == bot.RecipientPending && due != nil {
			if err := due.Delete(recipientDueKey(readUint64(k), r.Due, f)); err != nil {
				return err
			}
		}
		return rb.Delete(rk)
	})
}
