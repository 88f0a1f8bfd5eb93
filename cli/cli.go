// Package cli holds pivsr's subcommands. main.go only calls Run, so every
// command can be exercised by tests in-process.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Version is pivsr's version, written into every output file's provenance.
var Version = "0.1.0-dev"

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// env is what a command runs with: its output streams and the full command line
// (for provenance).
type env struct {
	stdout, stderr io.Writer
	cmdline        []string
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// usageError marks a bad invocation: the message is printed with a hint and
// the exit code is 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// Run executes the pivsr command line args (without the program name) and
// returns the process exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, cmdline: append([]string{"pivsr"}, args...)}
	if len(args) == 0 {
		if interactive(e) {
			return exitCode(e, "tui", commands["tui"].run(e, nil))
		}
		printUsage(stderr)
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return exitCode(e, c.name, c.run(e, []string{"-h"}))
			}
		}
		printUsage(stdout)
		return ExitOK
	case "version", "--version":
		fmt.Fprintln(stdout, "pivsr", Version)
		return ExitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "pivsr: unknown command %q\n\n", name)
		printUsage(stderr)
		return ExitUsage
	}
	return exitCode(e, name, c.run(e, args[1:]))
}

func exitCode(e *env, name string, err error) int {
	var ue usageError
	var ie interruptError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ie):
		fmt.Fprintf(e.stderr, "pivsr %s: %v\n", name, err)
		return 128 + int(ie.sig)
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "pivsr %s: %v\nRun 'pivsr %s -h' for usage.\n", name, err, name)
		return ExitUsage
	default:
		fmt.Fprintf(e.stderr, "pivsr %s: %v\n", name, err)
		return ExitFailure
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "pivsr %s: super-resolution of sparse PIV velocity fields\n\nUsage: pivsr <command> [flags] [args]\n\nCommands:\n", Version)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'pivsr <command> -h' for a command's flags.\n")
}

// newFlags returns a flag set whose errors come back as usage errors instead
// of exiting, and whose -h prints the command's usage to stdout.
func newFlags(e *env, name, argsUsage, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := e.stdout
		fmt.Fprintf(w, "Usage: pivsr %s [flags] %s\n\n%s\n", name, argsUsage, strings.TrimSpace(description))
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintf(w, "\nFlags:\n")
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	return fs
}

// parse parses args into fs, allowing flags after positional arguments
// (pivsr info FILE --json), and checks the positional count is within [min, max]
// (max < 0: unbounded).
func parse(fs *flag.FlagSet, args []string, min, max int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, flag.ErrHelp // fs.Parse has printed the usage
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < min || (max >= 0 && len(pos) > max) {
		switch {
		case min == max:
			return nil, usagef("want %d argument(s), got %d", min, len(pos))
		case max < 0:
			return nil, usagef("want at least %d argument(s), got %d", min, len(pos))
		default:
			return nil, usagef("want %d to %d arguments, got %d", min, max, len(pos))
		}
	}
	return pos, nil
}

// logf writes a progress line to stderr (stdout carries results).
func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.stderr, format+"\n", args...)
}
