package bot

import (
	"context"
	"time"
)

// Template purposes.
const (
	PurposeReply    = "reply"
	PurposeCampaign = "campaign"
	PurposeSurvey   = "survey"
	PurposePost     = "post"
)

// RenderRequest is everything a template may use.
type RenderRequest struct {
	Purpose string
	// Template names a template explicitly (campaigns, posts); when empty
	// the renderer chooses from the event, analysis and follower.
	Template string
	// Text, when set, is the template itself (a campaign's text written in
	// the dashboard), rendered with the same dot and functions as a file.
	Text string
	// Lang is the language to answer in; the renderer falls back to the
	// default language when a template lacks it.
	Lang     string
	Event    *Event
	Analysis Analysis
	Follower *Follower
	Thread   *Thread
	// Data is extra values a campaign or post passes to its template.
	Data map[string]any
	Now  time.Time
	// OpenCase is true when the follower has an open side-effect case:
	// the renderer then offers nothing, no product, article or offer.
	OpenCase bool
	// Segments are the segments (by name) the follower belongs to, for
	// templates written for one ("reply.greeting.<segment>"); a campaign
	// sets its own.
	Segments []string
}

// Reply is a rendered answer.
type Reply struct {
	Template string     `json:"template"`
	Lang     string     `json:"lang"`
	Text     string     `json:"text"`
	Buttons  [][]Button `json:"buttons,omitempty"`
	// Private asks for a private answer to a public comment.
	Private bool `json:"private,omitempty"`
	// Skip means the template chose not to answer.
	Skip bool `json:"skip,omitempty"`
}

// Renderer chooses and renders templates. It must be safe for concurrent
// use and deterministic for the same request.
type Renderer interface {
	Render(ctx context.Context, req RenderRequest) (Reply, error)
}
