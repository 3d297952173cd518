package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"engagebot/bot"
)

// OpDoc describes an API route for the OpenAPI document, which is built
// from the route table (OpenAPI), so a route cannot be served without
// being in it.
type OpDoc struct {
	Summary string
	// Query lists query parameters: name -> description.
	Query map[string]string
	// Body names the request body's schema (in the components), "" for none.
	Body         string
	BodyOptional bool
	// Status and Response are the success answer and its schema's name.
	Status   int
	Response string
}

// Schemas of the API's bodies, as OpenAPI 3.0 JSON Schema objects.
var schemas = map[string]any{
	"Error": object(map[string]any{
		"error": str("what went wrong, for people"),
		"code":  str("a code for programs: invalid, unauthorized, forbidden, not_found, conflict, ..."),
	}, "error"),
	"Me": object(map[string]any{
		"name":  str("the user's or token's name, as the audit log shows it"),
		"roles": arrayOf(roleSchema),
		"lang":  enumOf("fa", "en"),
		"user":  map[string]any{"type": "boolean", "description": "a user who signs in (false for an API token)"},
	}, "name", "roles", "lang", "user"),
	"SetLang": object(map[string]any{"lang": enumOf("fa", "en")}, "lang"),
	"ThreadRef": object(map[string]any{
		"id":        str("URL-safe thread id: base64url, unpadded, of <platform>.<account>/<chat>"),
		"platform":  str(""),
		"account":   str(""),
		"chat":      str(""),
		"mode":      enumOf("bot", "human"),
		"moderator": str("who took the thread over"),
	}, "id", "platform", "account", "chat"),
	"Flag": object(map[string]any{
		"id":        map[string]any{"type": "integer", "format": "int64"},
		"severity":  enumOf("none", "low", "medium", "high", "critical"),
		"reason":    str("the rule that fired: adverse_event, self_harm, legal_threat, complaint, human, abuse, delivery_unknown, ..."),
		"detail":    str(""),
		"text":      str("the text that raised it"),
		"status":    enumOf("open", "closed"),
		"created":   dateTime(),
		"closed":    dateTime(),
		"closed_by": str(""),
		"lang":      str("the follower's language"),
		"thread":    ref("ThreadRef"),
	}, "id", "severity", "reason", "status", "created", "thread"),
	"FlagList": object(map[string]any{
		"flags": arrayOf(ref("Flag")),
		"next":  str("pass as after= for the next page; absent on the last"),
	}, "flags"),
	"Sentiment": map[string]any{
		"type": "object", "nullable": true,
		"properties": map[string]any{"label": enumOf("pos", "neu", "neg"), "score": map[string]any{"type": "number"}},
		"required":   []string{"label", "score"},
	},
	"Message": object(map[string]any{
		"seq":       map[string]any{"type": "integer", "format": "int64"},
		"direction": enumOf("in", "out"),
		"kind":      str(""),
		"author":    str(""),
		"text":      str(""),
		"lang":      str(""),
		"sentiment": ref("Sentiment"),
		"intent":    str(""),
		"signals":   arrayOf(str("")),
		"override": object(map[string]any{
			"label": enumOf("pos", "neu", "neg"),
			"by":    str("who corrected it"),
			"at":    dateTime(),
		}, "label", "by", "at"),
		"outbound": map[string]any{"type": "integer", "format": "int64"},
		"at":       dateTime(),
	}, "seq", "direction", "text", "sentiment", "at"),
	"Thread": map[string]any{
		"allOf": []any{ref("ThreadRef"), object(map[string]any{
			"chat_type":    str(""),
			"follower":     str("<platform>:<user id>"),
			"flagged":      enumOf("none", "low", "medium", "high", "critical"),
			"created":      dateTime(),
			"last_inbound": dateTime(),
			"last_message": dateTime(),
			"messages":     arrayOf(ref("Message")),
			"flags":        arrayOf(ref("Flag")),
		}, "messages", "flags")},
	},
	"ThreadState": object(map[string]any{"thread": ref("ThreadRef")}, "thread"),
	"Resolve":     object(map[string]any{"note": str("what was decided")}),
	"Reply":       object(map[string]any{"text": str("the reply, at most 4096 characters")}, "text"),
	"Note":        object(map[string]any{"text": str("the note, at most 4096 characters; never sent")}, "text"),
	"Mute": object(map[string]any{
		"mute":  map[string]any{"type": "boolean", "description": "stop the bot's automatic replies to the follower"},
		"block": map[string]any{"type": "boolean", "description": "also leave them out of campaigns, surveys and events"},
		"note":  str("why"),
	}),
	"Muted": object(map[string]any{"thread": ref("ThreadRef"), "muted": map[string]any{"type": "boolean"}, "blocked": map[string]any{"type": "boolean"}}, "thread", "muted", "blocked"),
	"Replied": object(map[string]any{
		"outbound": object(map[string]any{
			"id":    map[string]any{"type": "integer", "format": "int64"},
			"state": enumOf("pending", "sending", "sent", "failed", "unknown"),
		}, "id", "state"),
		"thread": ref("ThreadRef"),
	}, "outbound", "thread"),
	"AuditEntry": object(map[string]any{
		"seq":    map[string]any{"type": "integer", "format": "int64"},
		"at":     dateTime(),
		"actor":  str(""),
		"action": str("<noun>.<verb>: thread.takeover"),
		"target": str("thread:<platform>.<account>/<chat>"),
		"before": str("JSON of the state before"),
		"after":  str("JSON of the state after"),
		"note":   str(""),
	}, "seq", "at", "actor", "action", "target"),
	"AuditList": object(map[string]any{
		"entries": arrayOf(ref("AuditEntry")),
		"next":    str("pass as after= for the next page"),
	}, "entries"),
	"OpenAPI": map[string]any{"type": "object", "description": "this document"},
	"User": object(map[string]any{
		"name":       str(""),
		"roles":      arrayOf(roleSchema),
		"created":    dateTime(),
		"created_by": str(""),
	}, "name", "roles"),
	"UserList": object(map[string]any{"users": arrayOf(ref("User"))}, "users"),
	"NewUser": object(map[string]any{
		"name":     str("1 to 64 letters a-z, digits and . _ - @"),
		"roles":    arrayOf(roleSchema),
		"password": map[string]any{"type": "string", "minLength": 12, "format": "password"},
	}, "name", "roles", "password"),
	"UserAdded": object(map[string]any{"user": ref("User")}, "user"),
	"Token": object(map[string]any{
		"id":         str("the start of the token's hash; never the token"),
		"name":       str("who the token acts as"),
		"roles":      arrayOf(roleSchema),
		"created":    dateTime(),
		"created_by": str(""),
		"last_used":  dateTime(),
	}, "id", "name", "roles"),
	"TokenList": object(map[string]any{"tokens": arrayOf(ref("Token"))}, "tokens"),
	"Revoked":   object(map[string]any{"revoked": str("the token id")}, "revoked"),
}

var roleSchema = enumOf("admin", "pr", "moderator", "safety", "viewer")

func object(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func str(desc string) map[string]any {
	s := map[string]any{"type": "string"}
	if desc != "" {
		s["description"] = desc
	}
	return s
}

func enumOf(values ...string) map[string]any { return map[string]any{"type": "string", "enum": values} }
func dateTime() map[string]any               { return map[string]any{"type": "string", "format": "date-time"} }
func arrayOf(items any) map[string]any       { return map[string]any{"type": "array", "items": items} }
func ref(name string) map[string]any         { return map[string]any{"$ref": "#/components/schemas/" + name} }

// Route documents.
var (
	docMe      = &OpDoc{Summary: "who the request is signed in as, and the workspace language", Response: "Me"}
	docSetLang = &OpDoc{Summary: "choose the workspace language (users only)", Body: "SetLang", Response: "Me"}
	docOpenAPI = &OpDoc{Summary: "this document", Response: "OpenAPI"}
	docFlags   = &OpDoc{Summary: "flags in queue order: severity (side-effect reports and self-harm first), then age",
		Query: map[string]string{
			"status":   "open (default) or closed",
			"platform": "only this platform's",
			"account":  "only this account's (the name after the platform)",
			"reason":   "only flags of this reason",
			"lang":     "only flags whose follower writes in this language",
			"assignee": "only threads this moderator took over",
			"limit":    "page size, 1-1000 (default 100)",
			"after":    "the next value of the previous page",
		}, Response: "FlagList"}
	docThread   = &OpDoc{Summary: "a thread with its messages (the newest 1000) and flags", Response: "Thread"}
	docTakeOver = &OpDoc{Summary: "take the thread over: the bot stops replying in it", Response: "ThreadState"}
	docRelease  = &OpDoc{Summary: "give the thread back to the bot", Response: "ThreadState"}
	docResolve  = &OpDoc{Summary: "close the thread's open flags and give it back to the bot", Body: "Resolve", BodyOptional: true, Response: "ThreadState"}
	docReply    = &OpDoc{Summary: "reply in the thread through the outbox", Body: "Reply", Status: http.StatusAccepted, Response: "Replied"}
	docMute     = &OpDoc{Summary: "mute or block the thread's follower (both false: the bot answers them again)", Body: "Mute", Response: "Muted"}
	docNote     = &OpDoc{Summary: "keep a private note for the staff in the thread", Body: "Note", Status: http.StatusCreated, Response: "ThreadState"}
	docAudit    = &OpDoc{Summary: "the audit log, oldest first",
		Query: map[string]string{
			"actor": "only this person's or token's entries",
			"limit": "page size, 1-1000 (default 100)",
			"after": "continue after this seq",
		}, Response: "AuditList"}
	docUsers       = &OpDoc{Summary: "the users who sign in", Response: "UserList"}
	docAddUser     = &OpDoc{Summary: "add a user", Body: "NewUser", Status: http.StatusCreated, Response: "UserAdded"}
	docTokens      = &OpDoc{Summary: "the API tokens (created with engagebot token create)", Response: "TokenList"}
	docRevokeToken = &OpDoc{Summary: "revoke an API token by its id", Response: "Revoked"}
)

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// OpenAPI builds the OpenAPI 3 document of the routes that carry a Doc.
func OpenAPI(routes []Route, version string) map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		if rt.Doc == nil {
			continue
		}
		d := rt.Doc
		op := map[string]any{
			"operationId": operationID(rt),
			"summary":     d.Summary,
			"x-roles":     rolesOf(rt),
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": str("")})
		}
		for name, desc := range d.Query {
			params = append(params, map[string]any{"name": name, "in": "query", "description": desc, "schema": str("")})
		}
		if params != nil {
			op["parameters"] = params
		}
		if d.Body != "" {
			op["requestBody"] = map[string]any{
				"required": !d.BodyOptional,
				"content":  map[string]any{"application/json": map[string]any{"schema": ref(d.Body)}},
			}
		}
		status := d.Status
		if status == 0 {
			status = http.StatusOK
		}
		errResp := func(desc string) map[string]any {
			return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
		}
		op["responses"] = map[string]any{
			strconv.Itoa(status): map[string]any{"description": http.StatusText(status),
				"content": map[string]any{"application/json": map[string]any{"schema": ref(d.Response)}}},
			"400": errResp("bad input"),
			"401": errResp("no session or token, or an unknown one"),
			"403": errResp("a role that may not, or a cross-site request"),
			"404": errResp("not found"),
		}
		if paths[rt.Pattern] == nil {
			paths[rt.Pattern] = map[string]any{}
		}
		paths[rt.Pattern][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "engagebot workspace API", "version": version},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"token":   map[string]any{"type": "http", "scheme": "bearer", "description": "an API token from engagebot token create"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
			},
		},
		"security": []any{map[string]any{"token": []any{}}, map[string]any{"session": []any{}}},
	}
}

func operationID(rt Route) string {
	p := strings.TrimPrefix(rt.Pattern, "/api/v1/")
	p = pathParam.ReplaceAllString(p, "by_$1")
	return strings.ToLower(rt.Method) + "_" + strings.NewReplacer("/", "_", ".", "_").Replace(p)
}

func rolesOf(rt Route) []string {
	out := []string{}
	for _, r := range rt.Roles {
		out = append(out, string(r))
	}
	return out
}

// openAPIDoc is the document, built at its first request: routes are
// all added before the server serves.
type openAPIDoc struct {
	once sync.Once
	doc  map[string]any
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	s.apiDoc.once.Do(func() { s.apiDoc.doc = OpenAPI(s.Routes(), s.opts.Version) })
	writeJSON(w, http.StatusOK, s.apiDoc.doc)
}
