package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"engagebot/bot"
)

// Uploaded images are files in Options.UploadDir named by the hash of
// their bytes, so the same image uploaded twice is one file and a name
// says nothing about who sent it. Instagram's content publishing fetches
// a post's image from a public URL: GET /media/<name> serves them
// without sign-in at server.public_url.

// uploadTypes are the image types accepted, by sniffed content type
// (Instagram publishes JPEG only; Facebook, X and the channels take PNG
// too), with their file extension.
var uploadTypes = map[string]string{"image/jpeg": ".jpg", "image/png": ".png"}

// maxUploadBytes bounds an image: Instagram's limit is 8 MiB. The
// server's body limit (server.max_body_bytes) applies first.
const maxUploadBytes = 8 << 20

var mediaName = regexp.MustCompile(`^[0-9a-f]{64}\.(jpg|png)$`)

func (s *Server) uploadRoutes() []Route {
	return []Route{
		{Method: "POST", Pattern: "/api/v1/uploads", Roles: []bot.Role{bot.RolePR}, Handle: s.handleUpload, Doc: docUpload},
		{Method: "GET", Pattern: "/media/{name}", Public: true, Handle: s.handleMedia},
	}
}

// handleUpload stores an image, JPEG or PNG, sent base64 in JSON (so the
// server's body limit, server.max_body_bytes, bounds it too), and answers
// its public URL, to give as a post's image_url.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request, a bot.Actor) {
	if s.opts.UploadDir == "" {
		Error(w, r, bot.Errorf(bot.EUNAVAILABLE, "uploads are not set up"))
		return
	}
	var body struct {
		Image []byte `json:"image"` // base64 in JSON
	}
	if err := readJSON(r, &body, false); err != nil {
		Error(w, r, err)
		return
	}
	data := body.Image
	switch {
	case len(data) == 0:
		Error(w, r, bot.Errorf(bot.EINVALID, "image: the image's bytes, base64; it is empty"))
		return
	case len(data) > maxUploadBytes:
		Error(w, r, bot.Errorf(bot.ETOOLARGE, "image: at most %d bytes", maxUploadBytes))
		return
	}
	typ := http.DetectContentType(data)
	ext, ok := uploadTypes[typ]
	if !ok {
		Error(w, r, bot.Errorf(bot.EINVALID, "image: a JPEG or PNG image, not %s", typ))
		return
	}
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:]) + ext
	if err := writeUpload(s.opts.UploadDir, name, data); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.log.Info("image uploaded", "by", a.Name, "name", name, "bytes", len(data))
	writeJSON(w, http.StatusCreated, map[string]any{
		"name": name, "type": typ, "bytes": len(data),
		"url": strings.TrimRight(s.opts.PublicURL, "/") + "/media/" + name,
	})
}

// writeUpload writes the file whole or not at all: a temporary file
// renamed into place, so Meta never fetches half an image.
func writeUpload(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("uploads: %w", err)
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return nil // the same bytes are there already
	}
	f, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("uploads: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("uploads: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("uploads: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("uploads: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("uploads: %w", err)
	}
	return nil
}

// handleMedia serves an uploaded image; only names uploads are given.
func (s *Server) handleMedia(w http.ResponseWriter, r *http.Request, _ bot.Actor) {
	name := r.PathValue("name")
	if s.opts.UploadDir == "" || !mediaName.MatchString(name) {
		Error(w, r, bot.Errorf(bot.ENOTFOUND, "no such image"))
		return
	}
	f, err := os.Open(filepath.Join(s.opts.UploadDir, name))
	if err != nil {
		Error(w, r, bot.Errorf(bot.ENOTFOUND, "no such image"))
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", map[string]string{".jpg": "image/jpeg", ".png": "image/png"}[filepath.Ext(name)])
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", st.ModTime(), f)
}

var docUpload = &OpDoc{Summary: "upload a post's image (JPEG or PNG, base64, at most 8 MiB and the server's body limit); answers its public url for image_url",
	Body: "Image", Status: http.StatusCreated, Response: "Upload"}

func init() {
	schemas["Image"] = object(map[string]any{"image": map[string]any{"type": "string", "format": "byte", "description": "the image's bytes, base64"}}, "image")
	schemas["Upload"] = object(map[string]any{
		"name":  str(""),
		"type":  enumOf("image/jpeg", "image/png"),
		"bytes": map[string]any{"type": "integer"},
		"url":   str("server.public_url + /media/<name>: give it as image_url"),
	}, "name", "type", "bytes", "url")
}
