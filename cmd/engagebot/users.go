package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"engagebot/adapters/all"
	"engagebot/bot"
	"engagebot/config"
	"engagebot/password"
	"engagebot/store/bolt"
)

// cliActor is who the offline commands act as in the audit log. They run
// on the data folder itself, by someone who can read it, so they are
// trusted as an admin: that is how the first admin comes to be.
var cliActor = bot.Actor{Name: "cli", Roles: []bot.Role{bot.RoleAdmin}}

// offline is what an offline command works with: the store and the
// people's actions on it, with no adapter and nothing running.
type offline struct {
	store   *bolt.DB
	actions *bot.Actions
}

func (o *offline) Close() error { return o.store.Close() }

// userFlags are the flags user add and token create share.
type userFlags struct {
	fs                          *flag.FlagSet
	cfgPath, dataDir, name, rol *string
}

func newUserFlags(cmd string, stderr io.Writer) userFlags {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return userFlags{
		fs:      fs,
		cfgPath: fs.String("config", "config.yaml", "config file"),
		dataDir: fs.String("data", "", "data folder (overrides data.dir)"),
		name:    fs.String("name", "", "the name (the audit log shows it)"),
		rol:     fs.String("role", "", "roles, comma-separated: admin, pr, moderator, safety, viewer"),
	}
}

// parse reads the flags and the roles.
func (u userFlags) parse(args []string) ([]bot.Role, error) {
	if err := u.fs.Parse(args); err != nil {
		return nil, errUsage
	}
	if u.fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", u.fs.Arg(0))
	}
	if *u.name == "" || *u.rol == "" {
		return nil, errors.New("-name and -role are required")
	}
	return bot.ParseRoles(*u.rol)
}

// openOffline opens the data folder of the config for an offline command.
// A running service holds the file: that is said plainly, since this
// command cannot work until it stops.
func openOffline(cfgPath, dataDir string) (*offline, error) {
	cfg, err := config.Load(cfgPath, all.Factories(), config.Getenv)
	if err != nil {
		return nil, err
	}
	if dataDir != "" {
		cfg.Data.Dir = dataDir
	}
	if err := os.MkdirAll(cfg.Data.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	db, err := bolt.Open(filepath.Join(cfg.Data.Dir, "engagebot.db"), bolt.WithTimeout(time.Second))
	if errors.Is(err, bolt.ErrInUse) {
		return nil, fmt.Errorf("the data folder %s is in use by a running engagebot serve: stop the service first (this command works on the store file itself)", cfg.Data.Dir)
	} else if err != nil {
		return nil, err
	}
	an, err := newAnalyzer(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	rd, err := newRenderer(cfg, an.Products())
	if err != nil {
		db.Close()
		return nil, err
	}
	// The engine is built, never run: its Actions write through the store
	// with their checks and audit entries.
	e, err := bot.NewEngine(bot.Options{Store: db, Analyzer: an, Renderer: rd, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &offline{store: db, actions: e.Actions()}, nil
}

// runUser is `engagebot user add`.
func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "usage: engagebot user add -config FILE [-data DIR] -name NAME -role ROLE[,ROLE]  (password on the first line of stdin)")
		return errUsage
	}
	f := newUserFlags("user add", stderr)
	roles, err := f.parse(args[1:])
	if err != nil {
		return err
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	if err := bot.CheckPassword(pw); err != nil {
		return err
	}
	o, err := openOffline(*f.cfgPath, *f.dataDir)
	if err != nil {
		return err
	}
	defer o.Close()
	if err := o.actions.AddUser(ctx, cliActor, password.New(password.Default), *f.name, roles, pw); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s added with roles %s\n", *f.name, joinRoles(roles))
	return o.Close()
}

// readPassword reads the first line of stdin, without its line end.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("password: give it on the first line of standard input")
	}
	return line, nil
}

// runToken is `engagebot token create`. The token is the only thing it
// writes to stdout, so a script can take it with $(...).
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: engagebot token create -config FILE [-data DIR] -name NAME -role ROLE[,ROLE]")
		return errUsage
	}
	f := newUserFlags("token create", stderr)
	roles, err := f.parse(args[1:])
	if err != nil {
		return err
	}
	o, err := openOffline(*f.cfgPath, *f.dataDir)
	if err != nil {
		return err
	}
	defer o.Close()
	secret, err := o.actions.CreateToken(ctx, cliActor, *f.name, roles)
	if err != nil {
		return err
	}
	// Commit before printing: a token printed is a token that works.
	if err := o.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "token for %s with roles %s created; it is shown only this once\n", *f.name, joinRoles(roles))
	return nil
}

func joinRoles(roles []bot.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}
